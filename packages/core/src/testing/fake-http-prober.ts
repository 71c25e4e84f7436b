import type { HttpCheckResult } from '../domain/health.js';
import type { HttpProber } from '../ports/http-prober.js';
import { answer, FakeNotConfiguredError, type Responder } from './responder.js';

type ProbeArgs = Parameters<HttpProber['probe']>[0];

/**
 * Simple answers for a URL: a status code with a response time, a failure such as a refusal, or
 * `{ timeout: true }`: no answer within the timeout the probe was given (the result says
 * `timedOut`, waited `timeoutMs`). A function responder can `await clock.sleep(args.timeoutMs)`
 * before returning it, to hang on a `FakeClock`.
 */
export type FakeHttpAnswer =
  | { readonly status: number; readonly responseTimeMs?: number }
  | { readonly error: string; readonly responseTimeMs?: number }
  | { readonly timeout: true };

/**
 * Answers HTTP probes per URL. An unconfigured URL throws, so a test never probes by accident.
 *
 * @example
 * ```ts
 * import { FakeHttpProber } from '@website-monitor/core/testing';
 *
 * const prober = new FakeHttpProber();
 * prober.respond('http://127.0.0.1:8080/health', [{ status: 200 }, { status: 500 }, { timeout: true }]);
 * const agent = new WebsiteMonitorAgent({ config, runtime, prober });
 * ```
 */
export class FakeHttpProber implements HttpProber {
  readonly calls: ProbeArgs[] = [];
  readonly #responders = new Map<string, Responder<ProbeArgs, FakeHttpAnswer>>();
  readonly #counts = new Map<string, number>();

  respond(url: string, responder: Responder<ProbeArgs, FakeHttpAnswer>): void {
    this.#responders.set(url, responder);
    this.#counts.set(url, 0);
  }

  async probe(options: ProbeArgs): Promise<HttpCheckResult> {
    this.calls.push(options);
    const responder = this.#responders.get(options.url);
    if (responder === undefined) {
      throw new FakeNotConfiguredError('FakeHttpProber', 'probe', `call respond('${options.url}', ...)`);
    }
    const index = this.#counts.get(options.url) ?? 0;
    this.#counts.set(options.url, index + 1);
    const result = await answer(responder, options, index);
    if ('timeout' in result) {
      return {
        url: options.url,
        ok: false,
        status: undefined,
        responseTimeMs: options.timeoutMs,
        error: `timeout after ${options.timeoutMs}ms`,
        timedOut: true,
      };
    }
    const responseTimeMs = result.responseTimeMs ?? 5;
    if ('error' in result) {
      return { url: options.url, ok: false, status: undefined, responseTimeMs, error: result.error };
    }
    const ok = options.expectedStatus.includes(result.status);
    return {
      url: options.url,
      ok,
      status: result.status,
      responseTimeMs,
      error: ok ? undefined : `unexpected status ${result.status}`,
    };
  }
}
