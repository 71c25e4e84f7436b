import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ContainerRuntime,
  type HttpProber,
  type Incident,
  type Logger,
  type MonitorConfig,
  WebsiteMonitorAgent,
} from '@website-monitor/core';
import { createNodeHttpProber } from '@website-monitor/core/internal';
import { waitForHttp } from '@website-monitor/test-support';
import type { BenchContainer, BenchContainers } from './bench-containers.js';
import { wallClockMs } from './wall-clock.js';

/** How `/health` is switched to failing, and the HTTP status the agent must then report. */
export const failureKinds = [
  { kind: '500', control: 'fail', expect: /HTTP 500 from/ },
  { kind: '429', control: 'ratelimit', expect: /HTTP 429 from/ },
  { kind: 'hang', control: 'hang', expect: /no response from/ },
] as const;
export type FailureKind = (typeof failureKinds)[number]['kind'];

export interface DetectionSamples {
  /** Switch -> incident opened, at the new defaults. */
  readonly agentMs: number[];
  /** Switch -> incident opened, at the old defaults (probe every 10 s, no confirmation). */
  readonly oldDefaultsMs: number[];
}

export interface HttpDetectionResult {
  readonly byKind: Record<FailureKind, DetectionSamples>;
  /**
   * A hang seen by an agent that has not learned the endpoint yet: from the first probe sent after
   * the switch (the first that got no answer) to the incident, and from the switch itself.
   */
  readonly coldHang: { readonly fromFirstSilentProbeMs: number[]; readonly fromSwitchMs: number[] };
  /** What the new-default agent said about a hang (one incident's problem), for the notes. */
  hangMessage: string | undefined;
  readonly warmUpSeconds: number;
  readonly errors: string[];
}

/** The old defaults: kubelet's timing, one probe per 10 s check, every probe on its own. */
export const oldProbeDefaults = {
  check_interval_seconds: 10,
  probe_interval_seconds: 10,
  confirm_interval_seconds: 10,
} as const;

/** A probe learns its endpoint in 30 readings: 90 s at a 3 s period. */
const warmUpMs = 120_000;
const incidentTimeoutMs = { agent: 30_000, oldDefaults: 60_000 } as const;

/**
 * `/health` of a running test container switched to 500, 429 or a hang -> the agent's
 * `incident:opened`, timed with the same wall clock. Each sample is its own container, switched
 * once; the switches of one kind are staggered ~1 s apart so the samples overlap little, and the
 * baseline's containers (an agent at the old defaults, in the same process) are switched in
 * between. Two agents in one process share its event loop: neither has the machine to itself.
 *
 * Both agents probe all their containers from the start, so by the hang phase (after
 * `warmUpMs`) the new-default agent has learned each endpoint's response time and judges a hang
 * from it; the old-default agent, probing every 10 s, has not (30 readings take it 300 s), and
 * at its settings the shortened confirmation of a silence is off, as kubelet would do it. A
 * third agent, started just before the last phase, shows a hang on an endpoint it has not
 * learned: it waits the whole configured timeout once, then confirms.
 *
 * Healing is off (`auto_heal_enabled: false`): the incident is the measurement, and a restart
 * would only put the container's endpoint back to 200.
 */
export async function measureHttpDetection(options: {
  readonly samples: number;
  readonly oldDefaultsSamples: number;
  readonly coldSamples: number;
  readonly prefix: string;
  readonly containers: BenchContainers;
  readonly runtime: ContainerRuntime;
  readonly logger: Logger;
  /** A config listing `entries` only; `extra` adds top-level sections (`monitoring` merged). */
  readonly configFor: (
    entries: readonly object[],
    extra: { readonly monitoring?: object; readonly healing?: object },
  ) => MonitorConfig;
  readonly progress: (line: string) => void;
}): Promise<HttpDetectionResult> {
  const { containers, progress } = options;
  const result: HttpDetectionResult = {
    byKind: {
      '500': { agentMs: [], oldDefaultsMs: [] },
      '429': { agentMs: [], oldDefaultsMs: [] },
      hang: { agentMs: [], oldDefaultsMs: [] },
    },
    coldHang: { fromFirstSilentProbeMs: [], fromSwitchMs: [] },
    hangMessage: undefined,
    warmUpSeconds: warmUpMs / 1000,
    errors: [],
  };

  const names = (group: string, count: number) =>
    Array.from({ length: count }, (_, index) => `${options.prefix}-detect-${group}-${index}`);
  const groups = failureKinds.map(({ kind }) => ({
    kind,
    agent: names(`${kind}-new`, options.samples),
    oldDefaults: names(`${kind}-old`, options.oldDefaultsSamples),
  }));
  const all = groups.flatMap((group) => [...group.agent, ...group.oldDefaults]);
  progress(`detection: starting ${all.length} containers`);
  const started = new Map<string, BenchContainer>();
  for (const container of await containers.startMany(all.map((name) => ({ name, publishHttp: true })))) {
    started.set(container.name, container);
  }
  for (const container of started.values()) {
    await waitForHttp(container.url('/health'), { timeoutMs: 60_000 });
  }

  const entries = (list: readonly string[]) =>
    list.map((name) => ({ name, health_endpoint: started.get(name)!.url('/health') }));
  const healingOff = { healing: { auto_heal_enabled: false } };
  const agent = watchingAgent(
    options.configFor(entries(groups.flatMap((group) => group.agent)), healingOff),
    options.runtime,
    options.logger,
  );
  const oldAgent = watchingAgent(
    options.configFor(entries(groups.flatMap((group) => group.oldDefaults)), {
      ...healingOff,
      monitoring: { defaults: oldProbeDefaults },
    }),
    options.runtime,
    options.logger,
  );
  const warmUntil = wallClockMs() + warmUpMs;
  try {
    await Promise.all([agent.agent.start(), oldAgent.agent.start()]);
    // Hang last: by then the new-default agent has learned every endpoint.
    for (const group of [groups[0]!, groups[1]!, groups[2]!]) {
      const failure = failureKinds.find(({ kind }) => kind === group.kind)!;
      if (group.kind === 'hang') {
        const wait = warmUntil - wallClockMs();
        if (wait > 0) {
          progress(`detection: letting the agent learn the endpoints for ${Math.round(wait / 1000)} more s`);
          await sleep(wait);
        }
      }
      progress(
        `detection: switching ${group.agent.length} + ${group.oldDefaults.length} endpoints to ${group.kind}`,
      );
      const plan = interleave(
        group.agent.map((name) => ({ name, watcher: agent, into: result.byKind[group.kind].agentMs })),
        group.oldDefaults.map((name) => ({
          name,
          watcher: oldAgent,
          into: result.byKind[group.kind].oldDefaultsMs,
        })),
      );
      const pending: Promise<void>[] = [];
      for (const step of plan) {
        const container = started.get(step.name)!;
        const timeoutMs = step.watcher === agent ? incidentTimeoutMs.agent : incidentTimeoutMs.oldDefaults;
        pending.push(
          switchAndTime(container, failure, step.watcher, timeoutMs)
            .then(async ({ incident, switchedAt, openedAt }) => {
              step.into.push(openedAt - switchedAt);
              if (group.kind === 'hang' && step.watcher === agent) {
                result.hangMessage ??= incident.problems.map((problem) => problem.message).join('; ');
              }
            })
            .catch((error: unknown) => {
              result.errors.push(`${group.kind}: ${error instanceof Error ? error.message : String(error)}`);
            })
            .finally(() => removeAfterDiagnosis(container, step.watcher, containers)),
        );
        // ~1 s apart with jitter, so the switches fall at every phase of the probe schedules.
        await sleep(700 + Math.random() * 600);
      }
      await Promise.all(pending);
      progress(`detection: ${group.kind} done`);
    }
  } finally {
    await Promise.all([agent.agent.stop(), oldAgent.agent.stop()]);
  }

  await measureColdHang(options, result);
  return result;
}

/** A fresh agent over fresh containers: it has learned nothing, so a hang waits the whole timeout once. */
async function measureColdHang(
  options: Parameters<typeof measureHttpDetection>[0],
  result: HttpDetectionResult,
): Promise<void> {
  const { containers, progress } = options;
  if (options.coldSamples === 0) return;
  const names = Array.from(
    { length: options.coldSamples },
    (_, index) => `${options.prefix}-detect-cold-${index}`,
  );
  const cold = await containers.startMany(names.map((name) => ({ name, publishHttp: true })));
  for (const container of cold) await waitForHttp(container.url('/health'), { timeoutMs: 60_000 });
  const watcher = watchingAgent(
    options.configFor(
      cold.map((container) => ({ name: container.name, health_endpoint: container.url('/health') })),
      { healing: { auto_heal_enabled: false } },
    ),
    options.runtime,
    options.logger,
  );
  const hang = failureKinds[2];
  try {
    await watcher.agent.start();
    // Past the 5 s start period, with five answers in: the slowest recent answer (which sizes a
    // silence's confirmations) is the endpoint's, not that of the agent's own first request.
    await sleep(15_000);
    progress(`detection: switching ${cold.length} endpoints the agent has not learned to hang`);
    const pending: Promise<void>[] = [];
    for (const container of cold) {
      pending.push(
        switchAndTime(container, hang, watcher, incidentTimeoutMs.agent)
          .then(({ switchedAt, openedAt }) => {
            const firstSilent = watcher.probes.find(
              (probe) => probe.url === container.url('/health') && probe.startedAt >= switchedAt,
            );
            if (firstSilent === undefined) throw new Error(`no probe of ${container.name} after the switch`);
            result.coldHang.fromFirstSilentProbeMs.push(openedAt - firstSilent.startedAt);
            result.coldHang.fromSwitchMs.push(openedAt - switchedAt);
          })
          .catch((error: unknown) => {
            result.errors.push(`cold hang: ${error instanceof Error ? error.message : String(error)}`);
          })
          .finally(() => removeAfterDiagnosis(container, watcher, containers)),
      );
      await sleep(700 + Math.random() * 600);
    }
    await Promise.all(pending);
  } finally {
    await watcher.agent.stop();
  }
}

interface Watcher {
  readonly agent: WebsiteMonitorAgent;
  /** Every probe the agent sent, with the wall-clock time it was sent. */
  readonly probes: { readonly url: string; readonly startedAt: number }[];
  /** Resolves with the next incident opened on this container. */
  nextIncident(containerName: string, timeoutMs: number): Promise<{ incident: Incident; openedAt: number }>;
  /**
   * Resolves once the incident of this container has its diagnosis (which reads the container's
   * logs), or after `timeoutMs`: removing the container before would fail that read.
   */
  diagnosed(containerName: string, timeoutMs: number): Promise<void>;
}

/** An agent with a probe log, and its `incident:opened` events timestamped as they are emitted. */
function watchingAgent(config: MonitorConfig, runtime: ContainerRuntime, logger: Logger): Watcher {
  const inner = createNodeHttpProber();
  const probes: { url: string; startedAt: number }[] = [];
  const prober: HttpProber = {
    probe(request) {
      probes.push({ url: request.url, startedAt: wallClockMs() });
      return inner.probe(request);
    },
  };
  const agent = new WebsiteMonitorAgent({ config, runtime, logger, prober });
  const waiters = new Map<string, (opened: { incident: Incident; openedAt: number }) => void>();
  agent.on('incident:opened', (incident) => {
    const openedAt = wallClockMs();
    waiters.get(incident.containerName)?.({ incident, openedAt });
  });
  const diagnosed = new Set<string>();
  const diagnosisWaiters = new Map<string, () => void>();
  agent.on('diagnosis:completed', ({ incident }) => {
    diagnosed.add(incident.containerName);
    diagnosisWaiters.get(incident.containerName)?.();
  });
  return {
    agent,
    probes,
    diagnosed(containerName, timeoutMs) {
      if (diagnosed.has(containerName)) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          diagnosisWaiters.delete(containerName);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        diagnosisWaiters.set(containerName, done);
      });
    },
    nextIncident(containerName, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(containerName);
          reject(new Error(`no incident for ${containerName} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(containerName, (opened) => {
          clearTimeout(timer);
          waiters.delete(containerName);
          resolve(opened);
        });
      });
    },
  };
}

/**
 * Switches the container's `/health` through its control endpoint and waits for the incident.
 * The switch time is taken before the control request is sent, so the figure errs long.
 */
async function switchAndTime(
  container: BenchContainer,
  failure: (typeof failureKinds)[number],
  watcher: Watcher,
  timeoutMs: number,
): Promise<{ incident: Incident; switchedAt: number; openedAt: number }> {
  const opened = watcher.nextIncident(container.name, timeoutMs);
  const switchedAt = wallClockMs();
  const response = await fetch(container.url(`/control/${failure.control}`), {
    signal: AbortSignal.timeout(5_000),
  });
  await response.body?.cancel();
  if (response.status !== 200) throw new Error(`/control/${failure.control} answered ${response.status}`);
  const { incident, openedAt } = await opened;
  const problems = incident.problems.map((problem) => problem.message).join('; ');
  if (!failure.expect.test(problems)) {
    throw new Error(`${container.name}: the incident says "${problems}", not ${failure.expect}`);
  }
  return { incident, switchedAt, openedAt };
}

async function removeAfterDiagnosis(
  container: BenchContainer,
  watcher: Watcher,
  containers: BenchContainers,
): Promise<void> {
  await watcher.diagnosed(container.name, 15_000);
  // The diagnosis is refined once the log tail is in: let that read finish too.
  await sleep(3_000);
  await containers.remove(container);
}

/** The longer list spread evenly, the shorter one slotted in between. */
function interleave<Item>(first: readonly Item[], second: readonly Item[]): Item[] {
  const out: Item[] = [];
  const total = first.length + second.length;
  let a = 0;
  let b = 0;
  for (let index = 0; index < total; index++) {
    const takeSecond =
      b < second.length &&
      (a >= first.length || (b + 1) / (second.length + 1) <= (a + 1) / (first.length + 1));
    if (takeSecond) out.push(second[b++]!);
    else out.push(first[a++]!);
  }
  return out;
}
