import {
  type Clock,
  type MonitorConfig,
  parseMonitorConfig,
  systemClock,
  WebsiteMonitorAgent,
} from '@website-monitor/core';
import { FakeClock, FakeContainerRuntime, FakeHttpProber, MemoryStore } from '@website-monitor/core/testing';
import { startMonitorServer } from '@website-monitor/http-api';
import { createPostgresStore, type PostgresStore } from '@website-monitor/postgres-store';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../../postgres-store/src/test-database/test-database.test-helper.js';
import { createDashboardHandler } from '../handler/dashboard-handler.js';
import { launchChromium, recordPageProblems } from './browser.test-helper.js';

let browser: Browser;
let database: TestDatabase;

beforeAll(async () => {
  browser = await launchChromium();
  database = await createTestDatabase();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await database?.drop();
});

const approvalNeeded = `
healing:
  manual_approval_required: [restart_container]
`;

/**
 * One agent of the fleet: its own engine (the published fake), recording into the shared
 * PostgreSQL database under `host`. `crash`: the container that crashes once the agent watches.
 */
async function startHostAgent(options: {
  readonly host: string;
  readonly containers: readonly string[];
  readonly crash: string;
  readonly clock: Clock;
  readonly config?: string;
}) {
  const store: PostgresStore = createPostgresStore({ connectionString: database.url, host: options.host });
  await store.migrate();
  const runtime = new FakeContainerRuntime({ clock: options.clock });
  for (const name of options.containers) runtime.addContainer({ name });
  const config: MonitorConfig = parseMonitorConfig({ text: options.config ?? '', env: {} });
  const agent = new WebsiteMonitorAgent({
    config,
    runtime,
    store,
    clock: options.clock,
    prober: new FakeHttpProber(),
    host: options.host,
    engine: { id: `ENGINE-${options.host}`, name: options.host, serverVersion: 'fake' },
    agentVersion: 'fleet-test',
  });
  await agent.start();
  await agent.idle();
  runtime.crash(options.crash, { exitCode: 3 });
  await agent.idle();
  return {
    agent,
    runtime,
    async stop() {
      await agent.stop();
      await store.close();
    },
  };
}

/** One attribute of every element the selector matches, in document order. */
const attr = async (page: Page, selector: string, name: string) =>
  Promise.all((await page.locator(selector).all()).map((element) => element.getAttribute(name)));

const nodeC = 'node-c <img src=x onerror=alert(1)>';

describe('the fleet view: three hosts on one PostgreSQL, seen from one agent', () => {
  it('lists the hosts with the silent one marked, filters by host, shows every host with badges, and offers writes for its own host only', async () => {
    // node-c's agent ran five minutes ago and stopped: its report (and its records) stay. Its
    // name is a valid host name that would be markup if it were ever inserted as HTML.
    const stale = await startHostAgent({
      host: nodeC,
      containers: ['web', 'cache'],
      crash: 'cache',
      clock: new FakeClock({ start: Date.now() - 5 * 60_000 }),
      config: approvalNeeded,
    });
    await stale.stop();
    const nodeB = await startHostAgent({
      host: 'node-b',
      containers: ['web', 'api'],
      crash: 'api',
      clock: systemClock,
      config: approvalNeeded,
    });
    const nodeA = await startHostAgent({
      host: 'node-a',
      containers: ['web', 'shop'],
      crash: 'shop',
      clock: systemClock,
      config: approvalNeeded,
    });
    const server = await startMonitorServer({
      agent: nodeA.agent,
      port: 0,
      host: '127.0.0.1',
      token: 'fleet-test-token',
      dashboard: await createDashboardHandler(),
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const problems = recordPageProblems(page);
    try {
      // The recorders write samples about once a second: every host has its samples stored.
      await expect
        .poll(
          async () => {
            const answer = await fetch(`${server.url}/monitor/status?host=*`);
            const body = (await answer.json()) as { containers: { host: string }[] };
            return new Set(body.containers.map((line) => line.host)).size;
          },
          { timeout: 10_000 },
        )
        .toBe(3);

      await page.goto(`${server.url}/`);
      await page.locator('html[data-rendered="2"]').waitFor({ state: 'attached', timeout: 15_000 });
      // This agent's host, as before: its two containers, no host badges.
      expect(await attr(page, '#grid > .card', 'data-host')).toEqual(['node-a', 'node-a']);
      expect(await page.locator('#grid .badge.host').count()).toBe(0);

      // The picker: every host, with its health; node-c's agent stopped reporting.
      const picker = page.locator('#hosts');
      await picker.waitFor({ state: 'visible', timeout: 15_000 });
      expect(await attr(page, '#host-list .host-entry', 'data-host')).toEqual([
        '*',
        'node-a',
        'node-b',
        nodeC,
      ]);
      const entry = (host: string) => page.locator(`#host-list .host-entry[data-host="${host}"]`);
      expect(await entry('node-a').getAttribute('aria-current')).toBe('page');
      expect(await entry('node-a').locator('.badge.self').textContent()).toBe('this agent');
      // This agent's own counts are live (its report was written before the crash).
      await expect
        .poll(() => entry('node-a').locator('.host-counts').textContent(), { timeout: 10_000 })
        .toMatch(/^2 containers · \d unhealthy · 1 open incident$/);
      expect(await entry(nodeC).getAttribute('data-reporting')).toBe('false');
      // Its name is text, never markup.
      expect(await entry(nodeC).locator('.host-name').textContent()).toBe(nodeC);
      expect(await page.locator('#host-list img, #grid img, #incidents img').count()).toBe(0);
      expect(await entry(nodeC).getAttribute('data-state')).toBe('not-reporting');
      expect(await entry(nodeC).locator('.host-seen').textContent()).toMatch(
        /^not reporting since \d\d:\d\d \((4|5|6) min ago\)$/,
      );
      expect(await entry('node-b').getAttribute('data-reporting')).toBe('true');
      expect(await entry('node-b').locator('.host-seen').textContent()).toMatch(
        /^seen (just now|\d+ s ago)$/,
      );
      expect(await entry('node-b').locator('.host-counts').textContent()).toMatch(/^2 containers · /);
      expect(await entry('*').locator('.host-counts').textContent()).toMatch(
        /^3 hosts · .* · 1 not reporting$/,
      );

      // One other host: its containers and incidents only, read from the store.
      await entry('node-b').click();
      await expect.poll(() => page.evaluate('location.hash')).toBe('#host=node-b');
      await expect
        .poll(() => attr(page, '#grid > .card', 'data-name'), { timeout: 10_000 })
        .toEqual(['api', 'web']);
      expect(await attr(page, '#grid > .card', 'data-host')).toEqual(['node-b', 'node-b']);
      await expect
        .poll(() => attr(page, '#incidents > .incident', 'data-host'), { timeout: 10_000 })
        .toEqual(['node-b']);
      expect(await page.locator('#incidents > .incident').getAttribute('data-container')).toBe('api');
      expect(await page.locator('#scope-note').textContent()).toContain('node-b');
      // Its pending approval is listed without buttons, with whose agent decides it.
      const approval = page.locator('#approvals > .approval');
      await approval.waitFor({ timeout: 10_000 });
      expect(await approval.getAttribute('data-container')).toBe('api');
      expect(await approval.locator('button').count()).toBe(0);
      expect(await approval.locator('.elsewhere').textContent()).toContain('agent on node-b');
      // node-b's events do not reach this page: a new crash there shows up by polling (10 s).
      const crashedAt = Date.now();
      nodeB.runtime.crash('web', { exitCode: 4 });
      await expect
        .poll(() => attr(page, '#incidents > .incident', 'data-container'), { timeout: 25_000 })
        .toEqual(['web', 'api']);
      console.info(
        `[dashboard fleet] a crash on another host reached the page in ${Date.now() - crashedAt} ms`,
      );
      expect(await page.locator('.card[data-name="web"]').getAttribute('data-problem')).toBe('true');

      // Its container's page: no Restart, but which agent to open.
      await page.locator('.card[data-name="api"] .card-name').click();
      await expect.poll(() => page.evaluate('location.hash')).toBe('#host=node-b&container=api');
      await page.locator('#container-page #heal-elsewhere').waitFor({ timeout: 10_000 });
      expect(await page.locator('#container-page #heal').count()).toBe(0);
      expect(await page.locator('#heal-elsewhere').textContent()).toContain('agent on node-b');
      expect(await page.locator('#container-page .facts.wide').textContent()).toContain('Hostnode-b');

      // The silent host: its last report, marked as such.
      await page.goto(`${server.url}/#host=${encodeURIComponent(nodeC)}`);
      await expect
        .poll(() => attr(page, '#grid > .card', 'data-name'), { timeout: 10_000 })
        .toEqual(['cache', 'web']);
      expect(await page.locator('#scope-note').getAttribute('data-reporting')).toBe('false');
      expect(await page.locator('#scope-note').textContent()).toContain('not reporting since');

      // Every host: host badges on the cards and the incidents.
      await entry('*').click();
      await expect
        .poll(() => attr(page, '#grid > .card', 'data-host'), { timeout: 10_000 })
        .toEqual(['node-a', 'node-a', 'node-b', 'node-b', nodeC, nodeC]);
      expect(await page.locator('#grid > .card .badge.host').allTextContents()).toEqual([
        'node-a',
        'node-a',
        'node-b',
        'node-b',
        `${nodeC} · not reporting`,
        `${nodeC} · not reporting`,
      ]);
      expect(await attr(page, '#grid > .card', 'data-reporting')).toEqual([
        'true',
        'true',
        'true',
        'true',
        'false',
        'false',
      ]);
      await expect
        .poll(async () => [...new Set(await attr(page, '#incidents > .incident', 'data-host'))].sort(), {
          timeout: 10_000,
        })
        .toEqual(['node-a', 'node-b', nodeC]);
      expect(await page.locator('#incidents > .incident .badge.host').count()).toBe(
        await page.locator('#incidents > .incident').count(),
      );
      // The fleet view's queue is this agent's own: decided here.
      await expect.poll(() => attr(page, '#approvals > .approval', 'data-container')).toEqual(['shop']);
      expect(await page.locator('#approvals > .approval button[data-decision]').count()).toBe(2);

      // This agent's own container, reached from the fleet view: Restart is offered.
      await page.locator('.card[data-host="node-a"][data-name="shop"] .card-name').click();
      await expect.poll(() => page.evaluate('location.hash')).toBe('#host=node-a&container=shop');
      await page.locator('#container-page #heal').waitFor({ timeout: 10_000 });
      expect(await page.locator('#heal-elsewhere').count()).toBe(0);
      // It asks this agent (after a confirmation and the token), and says what the policy decided.
      const healPosts: string[] = [];
      page.on('request', (request) => {
        if (request.method() === 'POST') healPosts.push(new URL(request.url()).pathname);
      });
      page.once('dialog', (dialog) => void dialog.accept());
      await page.locator('#heal').click();
      await page.locator('#token-input').fill('fleet-test-token');
      await page.locator('#token-form button[type="submit"]').click();
      await expect
        .poll(() => page.locator('#notice').textContent(), { timeout: 10_000 })
        .toMatch(/^Restart of shop/);
      console.info(
        `[dashboard fleet] Restart on this agent's container: ${await page.locator('#notice').textContent()}`,
      );
      expect(healPosts).toEqual(['/monitor/heal/shop']);
      await expect
        .poll(() => nodeA.agent.status().find((line) => line.name === 'shop')?.verdict?.metrics.state, {
          timeout: 10_000,
        })
        .toBe('running');
      expect(problems).toEqual([]);

      // A host nobody reports under: said so, nothing shown.
      await page.goto(`${server.url}/#host=nowhere`);
      await expect
        .poll(() => page.locator('#notice').textContent(), { timeout: 10_000 })
        .toContain('No host named "nowhere"');
      expect(await page.locator('#grid > .card').count()).toBe(0);
      expect(problems.filter((problem) => !problem.includes('404'))).toEqual([]);
    } finally {
      await page.close();
      await server.close();
      await nodeA.stop();
      await nodeB.stop();
    }
  });

  it('shows no picker to a single host: the page is as it was', async () => {
    const clock = new FakeClock({ start: Date.now() });
    const runtime = new FakeContainerRuntime({ clock });
    runtime.addContainer({ name: 'web' });
    const agent = new WebsiteMonitorAgent({
      config: parseMonitorConfig({ text: '', env: {} }),
      runtime,
      store: new MemoryStore(),
      clock,
      prober: new FakeHttpProber(),
      host: 'solo',
    });
    await agent.start();
    await agent.idle();
    const server = await startMonitorServer({
      agent,
      port: 0,
      clock,
      dashboard: await createDashboardHandler(),
    });
    const page = await browser.newPage();
    const problems = recordPageProblems(page);
    const hostRequests: string[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/monitor/hosts') hostRequests.push(String(response.status()));
    });
    try {
      await page.goto(`${server.url}/`);
      await page.locator('html[data-rendered="1"]').waitFor({ state: 'attached', timeout: 10_000 });
      await expect.poll(() => hostRequests).toEqual(['200']);
      expect(await page.locator('#hosts').isHidden()).toBe(true);
      expect(await page.locator('#host-list > li').count()).toBe(0);
      expect(await page.locator('#grid .badge.host').count()).toBe(0);
      expect(await page.locator('.card[data-name="web"] .card-name').getAttribute('href')).toBe(
        '#/container/web',
      );
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await server.close();
      await agent.stop();
    }
  });
});
