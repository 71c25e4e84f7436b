import { afterEach, describe, expect, it } from 'vitest';
import { parseMonitorConfig } from '../config/parse-monitor-config.js';
import {
  FakeClock,
  FakeContainerRuntime,
  FakeHttpProber,
  MemoryLogger,
  MemoryStore,
} from '../testing/index.js';
import { WebsiteMonitorAgent } from './website-monitor-agent.js';

const agents: WebsiteMonitorAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
});

const network = (ipAddress: string) => [
  { name: 'shop_default', networkId: 'n1', ipAddress, ipv6Address: '', aliases: ['web'] },
];

function harness(yaml = '') {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  const prober = new FakeHttpProber();
  const logger = new MemoryLogger();
  const agent = new WebsiteMonitorAgent({
    config: parseMonitorConfig({ text: yaml, env: {} }),
    runtime,
    store: new MemoryStore(),
    logger,
    prober,
    clock,
    random: () => 0.5,
  });
  agents.push(agent);
  const run = async (ms: number) => {
    await agent.start();
    await agent.idle();
    await clock.advance(ms);
    await agent.idle();
  };
  return { runtime, prober, logger, run };
}

describe('a health_endpoint label (issue 10, item 4)', () => {
  it('never sends the probe off the container, and says why once', async () => {
    const { runtime, prober, logger, run } = harness();
    runtime.addContainer({
      name: 'web',
      labels: { 'website-monitor.health_endpoint': 'http://169.254.169.254/latest/meta-data/' },
      networks: network('172.20.0.3'),
    });
    await run(30_000);
    expect(prober.calls).toEqual([]);
    const refused = logger.find('label_ignored');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.fields).toMatchObject({
      container: 'web',
      issue: expect.stringContaining("refused, 169.254.169.254 is not one of the container's own addresses"),
    });
  });

  it('probes the container itself, only at its own address', async () => {
    const { runtime, prober, logger, run } = harness();
    runtime.addContainer({
      name: 'web',
      labels: { 'website-monitor.health_endpoint': 'http://web:8080/health' },
      networks: network('172.20.0.3'),
    });
    prober.respond('http://web:8080/health', { status: 200 });
    await run(10_000);
    expect(prober.calls.length).toBeGreaterThan(0);
    expect(prober.calls.every((call) => call.allowedAddresses?.join() === '172.20.0.3')).toBe(true);
    expect(logger.find('label_ignored')).toEqual([]);
  });

  it('goes anywhere with monitoring.trust_labels, unrestricted', async () => {
    const { runtime, prober, run } = harness('monitoring:\n  trust_labels: true\n');
    runtime.addContainer({
      name: 'web',
      labels: { 'website-monitor.health_endpoint': 'http://metrics.internal:9100/health' },
    });
    prober.respond('http://metrics.internal:9100/health', { status: 200 });
    await run(10_000);
    expect(prober.calls.length).toBeGreaterThan(0);
    expect(prober.calls.every((call) => call.allowedAddresses === undefined)).toBe(true);
  });
});
