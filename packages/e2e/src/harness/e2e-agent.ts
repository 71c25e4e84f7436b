import {
  type AgentEvents,
  type ContainerRuntime,
  parseMonitorConfig,
  WebsiteMonitorAgent,
} from '@website-monitor/core';
import { MemoryLogger, MemoryStore } from '@website-monitor/core/testing';
import { createDockerRuntime } from '@website-monitor/docker-adapter';

/** One agent event as a listener saw it, with the wall-clock time it was emitted. */
export interface RecordedAgentEvent {
  readonly name: keyof AgentEvents;
  readonly at: number;
  readonly payload: Parameters<AgentEvents[keyof AgentEvents]>[0];
}

export interface E2eAgent extends AsyncDisposable {
  readonly agent: WebsiteMonitorAgent;
  readonly store: MemoryStore;
  readonly logger: MemoryLogger;
  /** Every agent event in emission order. */
  readonly events: RecordedAgentEvent[];
  /** The events of one name whose payload names this container. */
  eventsFor<Name extends keyof AgentEvents>(
    name: Name,
    containerName: string,
  ): (RecordedAgentEvent & { readonly payload: Parameters<AgentEvents[Name]>[0] })[];
  /** The agent's log, one line per entry, for failure messages. */
  logText(): string;
}

const recordedEvents: readonly (keyof AgentEvents)[] = [
  'check:completed',
  'check:failed',
  'incident:opened',
  'incident:updated',
  'incident:reopened',
  'incident:resolved',
  'incident:escalated',
  'healing:attempt',
  'healing:result',
  'approval:required',
  'approval:decided',
  'engine:connection',
];

/**
 * Starts a real agent on the real engine from YAML text (no environment interpolation), with an
 * in-memory store and log the test can read. The YAML must scope the agent to the test's own
 * containers (`discovery: listed`): other tests' containers run on the same engine.
 */
export async function startE2eAgent(options: {
  readonly yaml: string;
  /** Defaults to a runtime on the local engine, disposed with the agent. */
  readonly runtime?: ContainerRuntime;
}): Promise<E2eAgent> {
  const config = parseMonitorConfig({ text: options.yaml, file: 'e2e.yaml', env: {} });
  if (config.monitoring.discovery === 'all') {
    throw new Error('an end-to-end agent must not watch every container: use discovery: listed');
  }
  const ownRuntime = options.runtime === undefined ? createDockerRuntime() : undefined;
  const runtime = options.runtime ?? ownRuntime!;
  const store = new MemoryStore();
  const logger = new MemoryLogger();
  const agent = new WebsiteMonitorAgent({ config, runtime, store, logger, host: 'e2e' });
  const events: RecordedAgentEvent[] = [];
  for (const name of recordedEvents) {
    agent.on(name, (payload: RecordedAgentEvent['payload']) => {
      events.push({ name, at: Date.now(), payload });
    });
  }
  await agent.start();
  return {
    agent,
    store,
    logger,
    events,
    eventsFor: (name, containerName) =>
      events.filter(
        (event) => event.name === name && containerNameOf(event.payload) === containerName,
      ) as never,
    logText: () =>
      logger.entries
        .map((entry) => `${entry.level} ${entry.event} ${JSON.stringify(entry.fields)}`)
        .join('\n'),
    async [Symbol.asyncDispose]() {
      await agent.stop();
      await ownRuntime?.[Symbol.asyncDispose]?.();
    },
  };
}

function containerNameOf(payload: RecordedAgentEvent['payload']): string | undefined {
  return typeof payload === 'object' && payload !== null && 'containerName' in payload
    ? (payload as { containerName: string }).containerName
    : undefined;
}
