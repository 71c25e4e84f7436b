import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  MemoryLogger,
  MemoryStore,
} from '../testing/index.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

// The harness of restart-storm.test.ts (storm slots off) and restart-storm-slots.test.ts (on):
// an agent over the fakes where a restart takes fake time, counting restarts in flight.

const agents: WebsiteMonitorAgent[] = [];

/** Stops every agent `storm` made: each test file calls it in its `afterEach`. */
export async function stopStormAgents(): Promise<void> {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
}

export interface ContainerSpec {
  readonly name: string;
  readonly critical?: boolean;
  readonly dependsOn?: readonly string[];
}

/**
 * An agent over the fakes watching `containers` (listed), where a restart takes `restartMs` of
 * the fake clock. `afterRestart` runs once a restarted container is up again.
 */
export function storm(options: {
  /** The `healing:` lines when the test gives none. */
  readonly defaultHealing: string;
  readonly containers: readonly ContainerSpec[];
  readonly restartMs: number;
  readonly healing?: string;
  /** Lines under `monitoring.defaults:`. */
  readonly defaults?: string;
  readonly afterRestart?: (name: string) => void;
}) {
  const entries = options.containers.map((container) =>
    [
      `    - name: ${container.name}`,
      ...(container.critical ? ['      critical: true'] : []),
      ...(container.dependsOn ? [`      depends_on: [${container.dependsOn.join(', ')}]`] : []),
    ].join('\n'),
  );
  const config = parseMonitorConfig({
    text: `monitoring:\n  discovery: listed\n${options.defaults ? `  defaults:\n${options.defaults}\n` : ''}  containers:\n${entries.join('\n')}\nhealing:\n${options.healing ?? options.defaultHealing}\n`,
    env: {},
  });
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const logger = new MemoryLogger();
  const store = new MemoryStore();
  for (const container of options.containers) runtime.addContainer({ name: container.name });
  const nameOf = new Map(
    options.containers.map((container) => [runtime.idOf(container.name), container.name]),
  );
  const restarts: { name: string; at: number }[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  runtime.respond('restart', async (args: unknown) => {
    const name = nameOf.get((args as { id: string }).id)!;
    restarts.push({ name, at: clock.now() });
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await clock.sleep(options.restartMs);
    runtime.operatorStart(name);
    inFlight--;
    options.afterRestart?.(name);
  });
  let nextId = 0;
  const agent = new WebsiteMonitorAgent({
    config,
    runtime,
    store,
    logger,
    prober: new FakeHttpProber(),
    clock,
    random: () => 0.5,
    newId: () => `id-${++nextId}`,
  });
  agents.push(agent);
  /** Fake time moves on its own while restarts sleep on it: no `idle()` in between. */
  const run = async (ms: number, step = 250) => {
    for (let elapsed = 0; elapsed < ms; elapsed += step) await clock.advance(step);
  };
  return {
    agent,
    clock,
    runtime,
    logger,
    store,
    restarts,
    run,
    get mostInFlight() {
      return mostInFlight;
    },
  };
}

export const names = (count: number, prefix = 'app') =>
  Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
