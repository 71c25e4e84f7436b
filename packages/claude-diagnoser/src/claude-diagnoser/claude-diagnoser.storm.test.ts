// A storm of incidents against the real SDK and a local Messages API: the number of calls stays
// bounded (one per failure signature, never above the budget, never more than the cap at once),
// every caller ends with a diagnosis or a typed refusal, and nobody waits past the deadline.
import type { Diagnosis, FailureCause } from '@website-monitor/core';
import { FakeClock } from '@website-monitor/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type FakeAnthropicScript,
  type FakeAnthropicServer,
  startFakeAnthropicServer,
  userMessageText,
  validDiagnosisReply,
} from '../testing/index.js';
import { type ClaudeDiagnoserOptions, createClaudeDiagnoser } from './claude-diagnoser.js';
import { ClaudeDiagnoserError } from './claude-diagnoser-error.js';
import { crashedContainerContext } from './diagnosis-context.test-helper.js';

const servers: FakeAnthropicServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Five failures people meet, each the log line of one image; numbers vary from turn to turn. */
const failureKinds: readonly { image: string; line: (turn: number) => string; cause: FailureCause }[] = [
  {
    image: 'acme/api:3.2.0',
    line: (turn) =>
      `2026-11-28T05:10:0${turn % 10}Z Error: connect ECONNREFUSED 10.0.0.7:5432 (pid ${100 + turn})`,
    cause: 'dependency_unreachable',
  },
  {
    image: 'acme/orders:1.0.4',
    line: (turn) => `FATAL:  sorry, too many clients already (session ${4000 + turn})`,
    cause: 'connection_exhaustion',
  },
  {
    image: 'acme/web:1.4.2',
    line: () => 'Error: listen EADDRINUSE: address already in use :::8080',
    cause: 'port_in_use',
  },
  {
    image: 'acme/uploader:0.9.1',
    line: (turn) => `write /data/app-${turn}.db: no space left on device`,
    cause: 'disk_full',
  },
  {
    image: 'acme/cache:7.2.4',
    line: (turn) => `Error: EACCES: permission denied, open '/var/lib/cache/${turn}.bin'`,
    cause: 'permission_denied',
  },
];

/** 50 containers, `svc-0` ... `svc-49`; container i fails the way of kind i % 5. */
function storm(count = 50) {
  return Array.from({ length: count }, (_, index) => {
    const kind = failureKinds[index % failureKinds.length]!;
    return {
      kind,
      context: crashedContainerContext({
        name: `svc-${index}`,
        incidentId: `inc-${index}`,
        image: kind.image,
        logTail: ['starting', kind.line(index)],
      }),
    };
  });
}

/** Answers with the cause of the image the request is about, so each caller can check its own. */
function answerByImage(timing: { until?: PromiseLike<unknown>; delayMs?: number } = {}): FakeAnthropicScript {
  return (request) => {
    const text = userMessageText(request);
    const kind = failureKinds.find((candidate) => text.includes(`"image": "${candidate.image}"`));
    return validDiagnosisReply(
      { cause: kind?.cause ?? 'unknown', diagnosis: `cannot start: ${kind?.cause ?? 'no idea'}` },
      { input_tokens: 900, output_tokens: 90 },
      timing,
    );
  };
}

/** Waits for a condition; generous, because the first call also loads the SDK on a busy machine. */
function eventually(assertion: () => void) {
  return vi.waitFor(assertion, { timeout: 10_000, interval: 5 });
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

async function setup(script: FakeAnthropicScript, options: Partial<ClaudeDiagnoserOptions> = {}) {
  const server = await startFakeAnthropicServer({ script });
  servers.push(server);
  const diagnoser = createClaudeDiagnoser({
    apiKey: 'test-key',
    model: 'claude-test-model',
    baseURL: server.url,
    clock: new FakeClock(),
    maxRetries: 0,
    timeoutMs: 20_000,
    ...options,
  });
  return { server, diagnoser };
}

type Outcome =
  | { readonly settled: false }
  | { readonly settled: true; readonly diagnosis: Diagnosis }
  | { readonly settled: true; readonly error: ClaudeDiagnoserError };

/** Starts every diagnosis at once and tracks how each one ends, without awaiting any. */
function launch(promises: readonly Promise<Diagnosis>[]) {
  const outcomes: Outcome[] = promises.map(() => ({ settled: false }));
  const all = Promise.all(
    promises.map((promise, index) =>
      promise.then(
        (diagnosis) => {
          outcomes[index] = { settled: true, diagnosis };
        },
        (error: unknown) => {
          if (!(error instanceof ClaudeDiagnoserError)) throw error;
          outcomes[index] = { settled: true, error };
        },
      ),
    ),
  );
  const errors = () =>
    outcomes.flatMap((outcome) => (outcome.settled && 'error' in outcome ? [outcome.error] : []));
  const diagnoses = () =>
    outcomes.flatMap((outcome) => (outcome.settled && 'diagnosis' in outcome ? [outcome.diagnosis] : []));
  return { outcomes, all, errors, diagnoses };
}

describe('a storm of 50 incidents', () => {
  it('makes one call per failure signature, at most 2 at a time, and every caller gets its diagnosis', async () => {
    const replies = gate();
    const { server, diagnoser } = await setup(answerByImage({ until: replies.opened }));
    const incidents = storm();
    const run = launch(incidents.map(({ context }) => diagnoser.diagnose({ context })));

    // While the first answers are held back, two calls are out and the other three wait their turn.
    await eventually(() => expect(server.requests).toHaveLength(2));
    expect(server.inFlight).toBe(2);
    expect(run.outcomes.filter((outcome) => outcome.settled)).toEqual([]);

    replies.open();
    await run.all;
    expect(server.requests).toHaveLength(5);
    expect(server.maxInFlight).toBe(2);
    const askedImages = server.requests.map(
      (request) => failureKinds.find((kind) => userMessageText(request).includes(kind.image))?.image,
    );
    expect(new Set(askedImages).size).toBe(5);

    expect(run.errors()).toEqual([]);
    incidents.forEach(({ kind }, index) => {
      const outcome = run.outcomes[index];
      expect(outcome).toMatchObject({ settled: true, diagnosis: { source: 'model', cause: kind.cause } });
    });
    // Tokens are reported once per call; the 45 who shared a call say so and spent nothing.
    const diagnoses = run.diagnoses();
    expect(diagnoses.filter((diagnosis) => diagnosis.usage !== undefined)).toHaveLength(5);
    const shared = diagnoses.filter((diagnosis) => diagnosis.usage === undefined);
    expect(shared).toHaveLength(45);
    for (const diagnosis of shared) {
      expect(diagnosis.reasoning).toMatch(
        /\(shared answer: asked once about svc-\d+ for the same failure signature\)$/,
      );
    }

    // The next turn of the storm is answered from the cache: still 5 calls.
    const again = await Promise.all(storm().map(({ context }) => diagnoser.diagnose({ context })));
    expect(again.every((diagnosis) => diagnosis.source === 'model')).toBe(true);
    expect(server.requests).toHaveLength(5);
  });

  it('never calls past the hourly budget: the rest are refused at once with a typed error', async () => {
    const replies = gate();
    const { server, diagnoser } = await setup(answerByImage({ until: replies.opened }), {
      hourlyCallBudget: 3,
    });
    const run = launch(storm().map(({ context }) => diagnoser.diagnose({ context })));

    // The 20 incidents of the two signatures past the budget are refused while no answer has come.
    await eventually(() => expect(run.errors()).toHaveLength(20));
    expect(run.diagnoses()).toEqual([]);
    for (const error of run.errors()) {
      expect(error.kind).toBe('budget_exhausted');
      expect(error.message).toBe('budget_exhausted: 3 calls in the last hour (limit 3)');
    }

    replies.open();
    await run.all;
    expect(server.requests).toHaveLength(3);
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
    expect(run.diagnoses()).toHaveLength(30);
    expect(run.errors()).toHaveLength(20);
  });

  it('with 50 different failures, calls at most the budget (30 by default) and refuses the rest', async () => {
    const { server, diagnoser } = await setup(answerByImage());
    const incidents = Array.from({ length: 50 }, (_, index) =>
      crashedContainerContext({
        name: `app-${index}`,
        image: `acme/app-${index}:1.0.0`,
        logTail: [`Error: connect ECONNREFUSED 10.0.0.7:5432`],
      }),
    );
    const run = launch(incidents.map((context) => diagnoser.diagnose({ context })));
    await run.all;
    expect(server.requests).toHaveLength(30);
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
    expect(run.diagnoses()).toHaveLength(30);
    expect(run.errors().map((error) => error.kind)).toEqual(Array(20).fill('budget_exhausted'));
  });

  it('against a hanging API, every caller ends by the deadline and queued calls never go out', async () => {
    const { server, diagnoser } = await setup({ kind: 'hang' }, { deadlineMs: 400 });
    const startedAt = Date.now();
    const run = launch(storm().map(({ context }) => diagnoser.diagnose({ context })));
    await run.all;
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(run.diagnoses()).toEqual([]);
    const messages = new Set(run.errors().map((error) => `${error.kind}: ${error.message}`));
    expect(run.errors()).toHaveLength(50);
    expect([...messages].sort()).toEqual([
      'deadline: deadline exceeded after 400ms',
      'deadline: deadline exceeded after 400ms (queued behind 2 calls in flight)',
    ]);
    expect(server.requests).toHaveLength(2);
  });
});

describe('one call under a deadline', () => {
  const slowServers: readonly [string, FakeAnthropicScript, readonly string[]][] = [
    ['takes 5 s to answer', validDiagnosisReply({}, undefined, { delayMs: 5_000 }), ['deadline']],
    ['hangs', { kind: 'hang' }, ['deadline']],
    // The SDK retries a 500 with backoff; whichever comes first, the answer is a typed error in time.
    [
      'answers 500',
      { kind: 'error', status: 500, message: 'Internal server error' },
      ['api_error', 'deadline'],
    ],
  ];
  for (const [name, script, kinds] of slowServers) {
    it(`ends by the deadline with a typed error when the API ${name}`, async () => {
      const { diagnoser } = await setup(script, { deadlineMs: 500, maxRetries: 2 });
      const startedAt = Date.now();
      const error = await diagnoser.diagnose({ context: crashedContainerContext() }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(Date.now() - startedAt).toBeLessThan(2_500);
      expect(error).toBeInstanceOf(ClaudeDiagnoserError);
      expect(kinds).toContain((error as ClaudeDiagnoserError).kind);
    });
  }
});

describe('queued and shared calls keep their callers in charge', () => {
  const other = (name: string, image: string) =>
    crashedContainerContext({ name, image, logTail: ['Error: something else entirely'] });

  it('a queued caller that gives up leaves at once, and its call never goes out nor counts', async () => {
    const replies = gate();
    const { server, diagnoser } = await setup(answerByImage({ until: replies.opened }), {
      maxConcurrentCalls: 1,
      hourlyCallBudget: 2,
    });
    const first = diagnoser.diagnose({ context: crashedContainerContext() });
    const controller = new AbortController();
    const queued = diagnoser.diagnose({ context: other('api', 'acme/api:3.2.0'), signal: controller.signal });
    await eventually(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    await expect(queued).rejects.toMatchObject({ kind: 'aborted' });

    replies.open();
    await expect(first).resolves.toMatchObject({ source: 'model' });
    expect(server.requests).toHaveLength(1);
    // The abandoned call gave its budget slot back: a budget of 2 still allows one more call.
    await expect(diagnoser.diagnose({ context: other('jobs', 'acme/jobs:1.0.0') })).resolves.toMatchObject({
      source: 'model',
    });
    expect(server.requests).toHaveLength(2);
  });

  it('a caller that leaves a shared call does not cancel it for the others', async () => {
    const replies = gate();
    const { server, diagnoser } = await setup(answerByImage({ until: replies.opened }));
    const controller = new AbortController();
    const leaving = diagnoser.diagnose({
      context: crashedContainerContext({ name: 'web-1' }),
      signal: controller.signal,
    });
    const staying = diagnoser.diagnose({ context: crashedContainerContext({ name: 'web-2' }) });
    await eventually(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    await expect(leaving).rejects.toMatchObject({ kind: 'aborted' });
    replies.open();
    await expect(staying).resolves.toMatchObject({
      source: 'model',
      reasoning: expect.stringContaining('(shared answer: asked once about web-1'),
    });
    expect(server.requests).toHaveLength(1);
  });

  it('when every caller of a shared call has left, the request is cancelled and the next caller asks anew', async () => {
    const { server, diagnoser } = await setup([{ kind: 'hang' }, validDiagnosisReply()]);
    const controllers = [new AbortController(), new AbortController()];
    const callers = controllers.map((controller, index) =>
      diagnoser.diagnose({
        context: crashedContainerContext({ name: `web-${index}` }),
        signal: controller.signal,
      }),
    );
    await eventually(() => expect(server.inFlight).toBe(1));
    for (const controller of controllers) controller.abort();
    for (const caller of callers) await expect(caller).rejects.toMatchObject({ kind: 'aborted' });
    await eventually(() => expect(server.inFlight).toBe(0));

    await expect(
      diagnoser.diagnose({ context: crashedContainerContext({ name: 'web-9' }) }),
    ).resolves.toMatchObject({ source: 'model' });
    expect(server.requests).toHaveLength(2);
  });

  it('refuses at once, without queueing, a container still in its cooldown', async () => {
    const replies = gate();
    const { server, diagnoser } = await setup(answerByImage({ until: replies.opened }), {
      maxConcurrentCalls: 1,
    });
    const first = diagnoser.diagnose({ context: crashedContainerContext() });
    // The same container, another failure: not shared, and refused while the first call is held.
    await expect(
      diagnoser.diagnose({ context: crashedContainerContext({ exitCode: 137 }) }),
    ).rejects.toMatchObject({ kind: 'cooldown' });
    replies.open();
    await first;
    expect(server.requests).toHaveLength(1);
  });
});
