import type { Diagnosis } from '../domain/diagnosis.js';
import type { Diagnoser, DiagnosisContext } from '../ports/diagnoser.js';
import { answer, FakeNotConfiguredError, type Responder } from './responder.js';

/**
 * A diagnoser that answers from a script: a diagnosis, a list (one per call) or a function.
 * Unscripted, it throws `FakeNotConfiguredError`. `calls` keeps each context it was given.
 *
 * @example
 * ```ts
 * import { ScriptedDiagnoser } from '@website-monitor/core/testing';
 *
 * const diagnoser = new ScriptedDiagnoser({
 *   respond: {
 *     diagnosis: 'the cache is full',
 *     recommendedAction: 'clear_cache',
 *     urgency: 'medium',
 *     confidence: 90,
 *     reasoning: 'scripted',
 *     source: 'model',
 *   },
 * });
 * const agent = new WebsiteMonitorAgent({ config, runtime, diagnoser });
 * ```
 */
export class ScriptedDiagnoser implements Diagnoser {
  readonly name: string;
  readonly calls: DiagnosisContext[] = [];
  #responder: Responder<DiagnosisContext, Diagnosis> | undefined;

  constructor(options: { name?: string; respond?: Responder<DiagnosisContext, Diagnosis> } = {}) {
    this.name = options.name ?? 'scripted';
    this.#responder = options.respond;
  }

  respond(responder: Responder<DiagnosisContext, Diagnosis>): void {
    this.#responder = responder;
  }

  async diagnose({ context }: { readonly context: DiagnosisContext }): Promise<Diagnosis> {
    this.calls.push(context);
    if (this.#responder === undefined) {
      throw new FakeNotConfiguredError(
        'ScriptedDiagnoser',
        'diagnose',
        'pass `respond` or call respond(...)',
      );
    }
    return answer(this.#responder, context, this.calls.length - 1);
  }
}
