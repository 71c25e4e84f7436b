import { parseMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
import { MemoryStore } from '@website-monitor/core/testing';
import { createDockerRuntime } from '@website-monitor/docker-adapter';
import { startMonitorServer } from '@website-monitor/http-api';
import {
  crashContainer,
  crashOnDemand,
  removeTestContainers,
  startTestContainer,
  testRunId,
} from '@website-monitor/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardHandler } from '../handler/dashboard-handler.js';
import { launchChromium, recordPageProblems } from './browser.test-helper.js';

const token = 'dashboard-test-token';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await removeTestContainers({ runId: testRunId });
});

/**
 * A real agent on the real engine, scoped to one container, serving API + dashboard on 127.0.0.1.
 * `healing`: more lines of the `healing:` section, indented.
 */
async function startMonitor(containerName: string, healing = '') {
  const config = parseMonitorConfig({
    text: `
monitoring:
  interval_seconds: 2
  discovery: listed
  defaults:
    start_period_seconds: 0
  containers:
    - name: ${containerName}
healing:
  # Resolved after 1 s of health instead of the default 10 s, so the test stays short.
  resolve_after_seconds: 1
${healing}`,
    env: {},
  });
  const runtime = createDockerRuntime();
  const agent = new WebsiteMonitorAgent({
    config,
    runtime,
    store: new MemoryStore(),
    host: 'dashboard-test',
  });
  await agent.start();
  const server = await startMonitorServer({
    agent,
    port: 0,
    host: '127.0.0.1',
    token,
    tokenOwner: 'dashboard-test',
    dashboard: await createDashboardHandler(),
  });
  return {
    agent,
    server,
    async [Symbol.asyncDispose]() {
      await server.close();
      await agent.stop();
      await runtime[Symbol.asyncDispose]?.();
    },
  };
}

describe('the dashboard in a real browser, against a real agent and engine', () => {
  it('lists the container, then shows its crash as an incident within seconds without a reload', async () => {
    await using app = await startTestContainer({ purpose: 'dash-crash', behaviour: crashOnDemand });
    await using monitor = await startMonitor(app.name);
    const page = await browser.newPage();
    const problems = recordPageProblems(page);
    try {
      const response = await page.goto(`${monitor.server.url}/`);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      const card = page.locator(`.card[data-name="${app.name}"]`);
      await card.waitFor({ timeout: 10_000 });
      await expect
        .poll(() => card.locator('.badge.state').textContent(), { timeout: 10_000 })
        .toBe('running');
      await page.locator('#connection[data-state="live"]').waitFor({ timeout: 10_000 });

      const navigations: string[] = [];
      page.on('framenavigated', (frame) => navigations.push(frame.url()));
      const crashedAt = Date.now();
      await crashContainer(app);
      const incident = page.locator(`#incidents .incident[data-container="${app.name}"]`);
      await incident.waitFor({ timeout: 10_000 });
      const seenAfterMs = Date.now() - crashedAt;
      console.info(`[dashboard] crash -> incident on the page: ${seenAfterMs} ms`);
      expect(seenAfterMs).toBeLessThan(10_000);
      await expect.poll(() => incident.locator('.trigger').textContent()).toBe('container stopped');
      // The agent heals it by itself (default strategy): the same item shows the restart and resolves.
      await expect.poll(() => incident.getAttribute('data-status'), { timeout: 30_000 }).toBe('resolved');
      await expect
        .poll(() => incident.locator('.action-name').allTextContents())
        .toContain('restart container');
      await expect.poll(() => incident.locator('.diagnosis-text').count()).toBe(1);
      expect(navigations, 'no reload').toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('runs an action approved from the page: the container runs again and the incident resolves', async () => {
    await using app = await startTestContainer({ purpose: 'dash-approve', behaviour: crashOnDemand });
    await using monitor = await startMonitor(
      app.name,
      `  auto_fix_actions: []
  manual_approval_required: [restart_container]
`,
    );
    const page = await browser.newPage();
    const problems = recordPageProblems(page);
    try {
      await page.goto(`${monitor.server.url}/`);
      await page.locator(`.card[data-name="${app.name}"]`).waitFor({ timeout: 10_000 });
      await page.locator('#connection[data-state="live"]').waitFor({ timeout: 10_000 });

      await crashContainer(app);
      const approval = page.locator(`#approvals .approval[data-container="${app.name}"]`);
      await approval.waitFor({ timeout: 15_000 });
      expect((await app.inspect()).State.Running, 'nothing ran before the approval').toBe(false);

      await approval.getByRole('button', { name: /^Approve/ }).click();
      // The token is asked for once, in the page's dialog, then kept for the tab.
      const dialog = page.getByRole('dialog', { name: 'API token' });
      await dialog.waitFor();
      await dialog.getByLabel('Token').fill(token);
      await dialog.getByRole('button', { name: 'Use token' }).click();

      await approval.waitFor({ state: 'detached', timeout: 15_000 });
      await expect.poll(async () => (await app.inspect()).State.Running, { timeout: 20_000 }).toBe(true);
      const incident = page.locator(`#incidents .incident[data-container="${app.name}"]`);
      await expect.poll(() => incident.getAttribute('data-status'), { timeout: 30_000 }).toBe('resolved');
      expect(await page.evaluate("sessionStorage.getItem('website-monitor.token')")).toBe(token);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
