// A storm through the agent: 50 containers crash at once, the agent asks the model about every
// incident (in parallel with the rules' restarts), and the real Claude diagnoser with the real SDK
// keeps the calls at the local Messages API bounded: one per failure signature, never past the
// hourly budget. The rest are shared or cached answers, or refusals the incident records.
import { type FailureCause, parseMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  MemoryStore,
  RecordingNotifier,
} from '@website-monitor/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type FakeAnthropicServer,
  startFakeAnthropicServer,
  userMessageText,
  validDiagnosisReply,
} from '../testing/index.js';
import { createClaudeDiagnoser } from './claude-diagnoser.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Five failures people meet, each the last line of one image's run. */
const failureKinds: readonly { image: string; line: (turn: number) => string; cause: FailureCause }[] = [
  {
    image: 'acme/api:3.2.0',
    line: (turn) => `Error: connect ECONNREFUSED 10.0.0.7:5432 (pid ${100 + turn})`,
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
    image: 'acme/worker:2.0.0',
    line: (turn) => `panic: runtime error: invalid memory address or nil pointer dereference [job ${turn}]`,
    cause: 'crash',
  },
];

/** The seed's `claude:` section: the model is asked about every incident. */
const seedClaude = `
claude:
  enabled: true
  model: "claude-sonnet-4-5-20250929"
  use_for_diagnosis: true
`;

async function stormHarness(images: (index: number) => { image: string; line: string }) {
  const server: FakeAnthropicServer = await startFakeAnthropicServer({
    script: (request) => {
      const text = userMessageText(request);
      const kind = failureKinds.find((candidate) => text.includes(`"image": "${candidate.image}"`));
      return validDiagnosisReply({
        cause: kind?.cause ?? 'crash',
        diagnosis: `the replicas of this image fail the same way: ${kind?.cause ?? 'crash'}`,
        recommended_action: 'manual',
      });
    },
  });
  cleanups.push(() => server.close());
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const store = new MemoryStore();
  const config = parseMonitorConfig({ text: seedClaude, env: {} });
  const diagnoser = createClaudeDiagnoser({
    apiKey: 'test-key',
    // Not the seed's model name: the SDK warns on the console at every call naming a deprecated one.
    model: 'claude-test-model',
    baseURL: server.url,
    clock,
    maxRetries: 0,
  });
  let nextId = 0;
  const agent = new WebsiteMonitorAgent({
    config,
    runtime,
    store,
    notifier: new RecordingNotifier(),
    prober: new FakeHttpProber(),
    clock,
    diagnoser,
    random: () => 0.5,
    newId: () => `id-${++nextId}`,
  });
  cleanups.push(() => agent.stop());
  const containers = Array.from({ length: 50 }, (_, index) => ({ name: `svc-${index}`, ...images(index) }));
  for (const container of containers) {
    runtime.addContainer({ name: container.name, image: container.image, logs: ['starting'] });
  }
  await agent.start();
  await agent.idle();
  const crashAll = async () => {
    for (const container of containers) {
      runtime.crash(container.name, { exitCode: 1, logs: [container.line] });
    }
    // Real HTTP to the fake server: idle waits for every question the agent asked.
    await agent.idle();
  };
  const incidents = () => store.listIncidents({});
  return { server, clock, runtime, agent, crashAll, incidents };
}

describe('a storm of 50 crashes through the agent, Claude on the default path', () => {
  it('asks about every incident with one HTTP request per failure signature (5), replicas sharing the answer', async () => {
    const { server, runtime, crashAll, incidents, clock, agent } = await stormHarness((index) => {
      const kind = failureKinds[index % failureKinds.length]!;
      return { image: kind.image, line: kind.line(index) };
    });
    await crashAll();

    expect(server.requests).toHaveLength(5);
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
    const all = await incidents();
    expect(all).toHaveLength(50);
    for (const incident of all) {
      expect(incident.diagnosis?.source, incident.containerName).toBe('model');
    }
    // The rules acted first on every crash: nothing waited for the model to restart.
    expect(runtime.callsOf('restart').length).toBeGreaterThan(0);

    // The next turn of the storm (the same failures again): answered from the model's earlier
    // answers, no new request.
    await clock.advance(20_000);
    await agent.idle();
    await crashAll();
    expect(server.requests).toHaveLength(5);
  });

  it('with 50 different failures, calls at most the hourly budget (30); the other incidents say why', async () => {
    const { server, crashAll, incidents } = await stormHarness((index) => ({
      image: `acme/app-${index}:1.0.0`,
      line: `Error: connect ECONNREFUSED 10.0.0.7:5432`,
    }));
    await crashAll();

    expect(server.requests).toHaveLength(30);
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
    const all = await incidents();
    expect(all).toHaveLength(50);
    const bySource = all.map((incident) => incident.diagnosis?.source);
    expect(bySource.filter((source) => source === 'model')).toHaveLength(30);
    const refused = all.filter((incident) => incident.diagnosis?.source === 'rules');
    expect(refused).toHaveLength(20);
    for (const incident of refused) {
      expect(incident.diagnosis?.fallbackReason).toBe(
        'claude failed: budget_exhausted: 30 calls in the last hour (limit 30)',
      );
    }
  });
});
