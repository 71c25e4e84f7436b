import {
  type ContainerRuntime,
  defaultMonitorConfig,
  type MonitorConfig,
  parseMonitorConfig,
  WebsiteMonitorAgent,
  type WebsiteMonitorAgentOptions,
} from '@website-monitor/core';
import { FakeClock, FakeContainerRuntime, FakeHttpProber, MemoryStore } from '@website-monitor/core/testing';
import {
  type MonitorServer,
  type MonitorServerOptions,
  startMonitorServer,
} from '../server/monitor-server.js';

/** A real agent on the published fakes, served by a real HTTP server on 127.0.0.1 (random port). */
export interface ApiHarness {
  readonly agent: WebsiteMonitorAgent;
  readonly runtime: FakeContainerRuntime;
  readonly clock: FakeClock;
  readonly store: MemoryStore;
  readonly server: MonitorServer;
  /** fetch against the server: `call('/monitor/status')`, with the token when `auth` is set. */
  call(path: string, init?: RequestInit & { auth?: string }): Promise<Response>;
  post(path: string, body: unknown, auth?: string): Promise<Response>;
  /** Lets the agent finish what it started, advancing the fake clock by `ms` in between. */
  settle(ms?: number): Promise<void>;
  close(): Promise<void>;
}

export function configFrom(yaml: string): MonitorConfig {
  return parseMonitorConfig({ text: yaml, env: {} });
}

export async function startApiHarness(
  options: {
    readonly config?: MonitorConfig;
    readonly containers?: readonly string[];
    readonly server?: Partial<Omit<MonitorServerOptions, 'agent'>>;
    readonly agent?: Partial<WebsiteMonitorAgentOptions>;
    /** Puts something between the agent and the fake engine (e.g. instrumentContainerRuntime). */
    readonly wrapRuntime?: (runtime: ContainerRuntime) => ContainerRuntime;
  } = {},
): Promise<ApiHarness> {
  const clock = new FakeClock({ start: Date.parse('2026-11-28T06:00:00Z') });
  const runtime = new FakeContainerRuntime({ clock });
  const store = new MemoryStore();
  let nextId = 0;
  const agent = new WebsiteMonitorAgent({
    config: options.config ?? defaultMonitorConfig(),
    runtime: options.wrapRuntime ? options.wrapRuntime(runtime) : runtime,
    store,
    clock,
    prober: new FakeHttpProber(),
    random: () => 0.5,
    newId: () => `id-${++nextId}`,
    ...options.agent,
  });
  for (const name of options.containers ?? ['web']) runtime.addContainer({ name });
  await agent.start();
  await agent.idle();
  const server = await startMonitorServer({ agent, port: 0, clock, ...options.server });
  const settle = async (ms = 0) => {
    await agent.idle();
    if (ms > 0) await clock.advance(ms);
    await agent.idle();
  };
  const call = (path: string, init: RequestInit & { auth?: string } = {}) => {
    const { auth, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (auth !== undefined) headers.set('authorization', `Bearer ${auth}`);
    return fetch(`${server.url}${path}`, { ...rest, headers });
  };
  return {
    agent,
    runtime,
    clock,
    store,
    server,
    call,
    post: (path, body, auth) =>
      call(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        auth,
      }),
    settle,
    async close() {
      await server.close();
      await agent.stop();
    },
  };
}
