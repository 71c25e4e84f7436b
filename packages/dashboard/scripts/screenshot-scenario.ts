import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  type ContainerBaseline,
  type HealthSample,
  parseMonitorConfig,
  WebsiteMonitorAgent,
} from '@website-monitor/core';
import { FakeClock, FakeContainerRuntime, FakeHttpProber, MemoryStore } from '@website-monitor/core/testing';
import { startMonitorServer } from '@website-monitor/http-api';
import { chromium } from 'playwright-core';
import { createDashboardHandler } from '../src/handler/dashboard-handler.ts';

const MiB = 2 ** 20;
const host = 'prod-eu-1';
const token = 'screenshot-token';

interface Profile {
  readonly name: string;
  readonly image: string;
  readonly http: boolean;
  readonly responseMs: number;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly limitMiB: number;
}

const profiles: readonly Profile[] = [
  {
    name: 'auth-service',
    image: 'acme/auth:4.1.0',
    http: true,
    responseMs: 18,
    cpu: 3,
    memoryMiB: 150,
    limitMiB: 512,
  },
  {
    name: 'api-gateway',
    image: 'acme/gateway:3.4.1',
    http: true,
    responseMs: 38,
    cpu: 6,
    memoryMiB: 182,
    limitMiB: 512,
  },
  {
    name: 'notifications',
    image: 'acme/notify:1.12.4',
    http: true,
    responseMs: 55,
    cpu: 5,
    memoryMiB: 210,
    limitMiB: 512,
  },
  {
    name: 'orders-worker',
    image: 'acme/orders:2.9.0',
    http: false,
    responseMs: 0,
    cpu: 14,
    memoryMiB: 260,
    limitMiB: 1024,
  },
  {
    name: 'payments-api',
    image: 'acme/payments:5.2.0',
    http: true,
    responseMs: 92,
    cpu: 11,
    memoryMiB: 410,
    limitMiB: 512,
  },
  {
    name: 'postgres-primary',
    image: 'postgres:17',
    http: false,
    responseMs: 0,
    cpu: 9,
    memoryMiB: 690,
    limitMiB: 2048,
  },
  {
    name: 'redis-cache',
    image: 'redis:7.4',
    http: false,
    responseMs: 0,
    cpu: 2,
    memoryMiB: 96,
    limitMiB: 256,
  },
  {
    name: 'search-indexer',
    image: 'acme/search:1.8.3',
    http: true,
    responseMs: 140,
    cpu: 22,
    memoryMiB: 740,
    limitMiB: 1024,
  },
  {
    name: 'web-frontend',
    image: 'acme/web:7.0.2',
    http: true,
    responseMs: 24,
    cpu: 4,
    memoryMiB: 128,
    limitMiB: 512,
  },
];

const healthUrl = (profile: Profile) => `http://${profile.name}.internal:8080/health`;

export async function runScreenshots(outputDirectory: URL): Promise<void> {
  // The scenario plays about twelve minutes of checks, ending about now.
  const clock = new FakeClock({ start: Date.now() - 12 * 60_000 });
  const runtime = new FakeContainerRuntime({ clock });
  const store = new MemoryStore();
  const prober = new FakeHttpProber();
  const config = parseMonitorConfig({
    env: {},
    text: `
monitoring:
  interval_seconds: 30
  discovery: listed
  defaults:
    start_period_seconds: 0
  containers:
${profiles.map((profile) => `    - name: ${profile.name}${profile.http ? `\n      health_endpoint: ${healthUrl(profile)}` : ''}`).join('\n')}
healing:
  auto_fix_actions: []
  manual_approval_required: [restart_container]
`,
  });
  let tick = 120;
  for (const profile of profiles) {
    runtime.addContainer({
      name: profile.name,
      image: profile.image,
      memory: { usage: memoryAt(profile, tick), limit: profile.limitMiB * MiB },
    });
    if (profile.http) {
      prober.respond(healthUrl(profile), () => ({ status: 200, responseTimeMs: responseAt(profile, tick) }));
    }
  }
  await seedHistory(store, clock.now());
  const agent = new WebsiteMonitorAgent({ config, runtime, store, clock, prober, host });
  await agent.start();
  await agent.idle();
  const server = await startMonitorServer({
    agent,
    port: 0,
    clock,
    token,
    tokenOwner: 'alice',
    dashboard: await createDashboardHandler(),
  });
  const browser = await chromium.launch({
    executablePath: process.env.WM_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  /**
   * 30 s of time in 10 s slices (the agent reads resources every 10 s): every running container
   * uses some CPU and memory in each slice. The fake host has 2 CPUs, so c % of one CPU over 10 s
   * is c/100 * 1e10 ns of CPU time.
   */
  const step = async (count = 1) => {
    for (let i = 0; i < count; i++) {
      tick++;
      for (let slice = 0; slice < 3; slice++) {
        for (const profile of profiles) {
          if (runtime.state(profile.name) !== 'running') continue;
          runtime.setMemory(profile.name, { usage: memoryAt(profile, tick), limit: profile.limitMiB * MiB });
          runtime.burnCpu(profile.name, (cpuAt(profile, tick) / 100) * 1e10);
        }
        await clock.advance(10_000);
        await agent.idle();
      }
    }
  };
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 960 }, deviceScaleFactor: 1 });
    await page.goto(`${server.url}/`);
    await page.locator('#connection[data-state="live"]').waitFor();
    await step(6);

    // payments-api is OOM-killed; a person approves the restart two minutes later; it heals.
    runtime.crash('payments-api', { exitCode: 137, oomKilled: true });
    const approval = await waitFor(async () => {
      await agent.idle();
      return agent.pendingApprovals()[0];
    });
    await step(4);
    const answer = await fetch(`${server.url}/monitor/approvals/${approval.id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    if (!answer.ok) throw new Error(`approve answered ${answer.status}: ${await answer.text()}`);
    await step(10);
    // search-indexer crashes; its restart waits for a person.
    runtime.crash('search-indexer', { exitCode: 1 });
    await waitFor(async () => {
      await agent.idle();
      return agent.pendingApprovals()[0];
    });
    await step(2);

    await page.locator('#approvals .approval').first().waitFor();
    await page.locator('#incidents .incident[data-status="resolved"]').first().waitFor();
    await page.waitForTimeout(500);
    await mkdir(outputDirectory, { recursive: true });
    await page.screenshot({ path: fileURLToPath(new URL('dashboard.png', outputDirectory)), fullPage: true });

    await page.goto(`${server.url}/#/container/payments-api`);
    await page.locator('.chart svg').first().waitFor();
    await page.locator('table.baselines').waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: fileURLToPath(new URL('container.png', outputDirectory)), fullPage: true });
    console.log(`wrote ${fileURLToPath(outputDirectory)}dashboard.png and container.png`);
  } finally {
    await browser.close();
    await server.close();
    await agent.stop();
  }
}

/** An hour of checks every 30 s, with the gentle noise real services have, and what was learned from it. */
async function seedHistory(store: MemoryStore, now: number): Promise<void> {
  const samples: HealthSample[] = [];
  const baselines: ContainerBaseline[] = [];
  for (const profile of profiles) {
    const rt: number[] = [];
    const cpu: number[] = [];
    const memory: number[] = [];
    for (let i = 0; i < 120; i++) {
      const at = now - (120 - i) * 30_000;
      const responseTimeMs = profile.http ? responseAt(profile, i) : undefined;
      const cpuPercent = cpuAt(profile, i);
      const memoryBytes = memoryAt(profile, i);
      if (responseTimeMs !== undefined) rt.push(responseTimeMs);
      cpu.push(cpuPercent);
      memory.push(memoryBytes);
      samples.push({
        id: `seed-${profile.name}-${i}`,
        host,
        containerId: '',
        containerName: profile.name,
        checkedAt: at,
        healthy: true,
        status: 'healthy',
        problems: [],
        metrics: {
          state: 'running',
          exitCode: 0,
          oomKilled: false,
          dockerHealth: 'none',
          restartCount: 0,
          httpStatus: profile.http ? 200 : undefined,
          responseTimeMs,
          memoryBytes,
          memoryLimitBytes: profile.limitMiB * MiB,
          memoryPercent: Math.round((memoryBytes / (profile.limitMiB * MiB)) * 1000) / 10,
          cpuPercent,
        },
      });
    }
    const learn = (metric: ContainerBaseline['metric'], values: number[]) => {
      const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
      const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
      baselines.push({
        host,
        containerName: profile.name,
        image: profile.image,
        metric,
        mean,
        variance,
        samples: values.length,
        updatedAt: now,
      });
    };
    if (rt.length > 0) learn('response_time_ms', rt);
    learn('cpu_percent', cpu);
    learn('memory_bytes', memory);
  }
  await store.saveHealthSamples({ samples });
  await store.saveBaselines({ baselines });
}

function seedOf(profile: Profile): number {
  return profiles.indexOf(profile) * 13;
}

function responseAt(profile: Profile, tick: number): number {
  return Math.round(profile.responseMs * (0.8 + 0.4 * wave(tick * 0.35 + seedOf(profile), 9)));
}

function cpuAt(profile: Profile, tick: number): number {
  return Math.round(profile.cpu * (0.6 + 0.8 * wave(tick * 0.3 + seedOf(profile), 11)) * 10) / 10;
}

/** payments-api leaks slowly (the OOM kill later is no surprise); the others hover. */
function memoryAt(profile: Profile, tick: number): number {
  const leak = profile.name === 'payments-api' ? (tick / 130) * 80 - 60 : 0;
  return Math.round((profile.memoryMiB + leak + 10 * (wave(tick * 0.6 + seedOf(profile), 17) - 0.5)) * MiB);
}

/** A smooth pseudo-random wave in [0, 1]. */
function wave(x: number, period: number): number {
  return (Math.sin((x / period) * Math.PI * 2) + Math.sin(x * 0.37 + period) * 0.5 + 1.5) / 3;
}

async function waitFor<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('the screenshot scenario did not reach its state');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
