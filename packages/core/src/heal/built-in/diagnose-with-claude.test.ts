import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../domain/diagnosis.js';
import { DiagnoserError } from '../../errors/monitor-error.js';
import { FakeClock } from '../../testing/fake-clock.js';
import { FakeContainerRuntime } from '../../testing/fake-container-runtime.js';
import { ScriptedDiagnoser } from '../../testing/scripted-diagnoser.js';
import { diagnoseWithClaudeStrategy } from './diagnose-with-claude.js';
import { makeHealingContext } from './healing-context-fixture.test-helper.js';

const poolExhausted: Diagnosis = {
  diagnosis: 'PostgreSQL connection pool exhausted',
  recommendedAction: 'reset_connections',
  urgency: 'high',
  confidence: 92,
  reasoning: "Logs show 'too many clients'.",
  source: 'model',
};

async function setUp(diagnoser: ScriptedDiagnoser) {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  runtime.addContainer({ name: 'web' });
  const context = await makeHealingContext({ runtime, clock, containerName: 'web', diagnoser });
  return { runtime, context };
}

describe('diagnose_with_claude', () => {
  it('passes the diagnosis context to the diagnoser and returns the diagnosis, changing nothing', async () => {
    const diagnoser = new ScriptedDiagnoser({ respond: poolExhausted });
    const { runtime, context } = await setUp(diagnoser);

    const outcome = await diagnoseWithClaudeStrategy.run(context);

    expect(diagnoser.calls).toEqual([context.diagnosisContext]);
    expect(outcome).toEqual({
      ok: true,
      changedContainer: false,
      detail: JSON.stringify(poolExhausted),
      diagnosis: poolExhausted,
    });
    expect(runtime.callsOf('restart')).toEqual([]);
  });

  it('reports a failing diagnoser as a failed step', async () => {
    const diagnoser = new ScriptedDiagnoser({
      name: 'claude',
      respond: () => {
        throw new DiagnoserError('rate limited by the API');
      },
    });
    const { context } = await setUp(diagnoser);

    const outcome = await diagnoseWithClaudeStrategy.run(context);

    expect(outcome).toEqual({
      ok: false,
      changedContainer: false,
      detail: 'diagnosis by claude failed: rate limited by the API',
    });
  });
});
