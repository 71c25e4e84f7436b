import { parseMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
import { FakeClock, FakeContainerRuntime, FakeHttpProber, MemoryStore } from '@website-monitor/core/testing';
import { startMonitorServer } from '@website-monitor/http-api';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardHandler } from '../handler/dashboard-handler.js';
import { launchChromium, recordPageProblems } from './browser.test-helper.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('critical containers on the dashboard', () => {
  it('lists critical containers first and marks them, on the grid and on their page', async () => {
    const clock = new FakeClock({ start: Date.now() });
    const runtime = new FakeContainerRuntime({ clock });
    for (const name of ['alpha', 'beta', 'payments', 'zeta-core']) runtime.addContainer({ name });
    const agent = new WebsiteMonitorAgent({
      config: parseMonitorConfig({
        text: `
monitoring:
  containers:
    - name: payments
      critical: true
    - name: zeta-core
      critical: true
`,
        env: {},
      }),
      runtime,
      store: new MemoryStore(),
      clock,
      prober: new FakeHttpProber(),
    });
    await agent.start();
    await agent.idle();
    const server = await startMonitorServer({
      agent,
      port: 0,
      clock,
      dashboard: await createDashboardHandler(),
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = recordPageProblems(page);
    const cardNames = async () =>
      Promise.all((await page.locator('#grid > .card').all()).map((card) => card.getAttribute('data-name')));
    try {
      await page.goto(`${server.url}/`);
      await page.locator('html[data-rendered="4"]').waitFor({ state: 'attached', timeout: 10_000 });
      expect(await cardNames()).toEqual(['payments', 'zeta-core', 'alpha', 'beta']);
      const payments = page.locator('.card[data-name="payments"]');
      expect(await payments.getAttribute('data-critical')).toBe('true');
      expect(await payments.locator('.badge.critical').isVisible()).toBe(true);
      expect(await payments.locator('.badge.critical').textContent()).toBe('critical');
      const alpha = page.locator('.card[data-name="alpha"]');
      expect(await alpha.getAttribute('data-critical')).toBe('false');
      expect(await alpha.locator('.badge.critical').isVisible()).toBe(false);

      // A critical container started after the page loaded: it arrives by the event stream, and
      // the status snapshot read after it moves it up among the critical ones.
      await page.locator('#connection[data-state="live"]').waitFor({ timeout: 10_000 });
      runtime.addContainer({
        name: 'late-critical',
        state: 'created',
        labels: { 'website-monitor.critical': 'true' },
      });
      runtime.operatorStart('late-critical');
      await expect
        .poll(cardNames, { timeout: 10_000 })
        .toEqual(['late-critical', 'payments', 'zeta-core', 'alpha', 'beta']);
      expect(await page.locator('.card[data-name="late-critical"] .badge.critical').isVisible()).toBe(true);

      await payments.locator('.card-name').click();
      const head = page.locator('#container-page .page-head');
      await head.waitFor({ timeout: 10_000 });
      expect(await head.locator('.badge.critical').textContent()).toBe('critical');
      const facts = page.locator('#container-page .facts');
      expect(await facts.textContent()).toContain(
        'Criticalyes: restarted first, incidents at least high urgency',
      );

      await page.goto(`${server.url}/#/container/alpha`);
      await page.locator('#container-page .page-head').waitFor({ timeout: 10_000 });
      expect(await page.locator('#container-page .page-head .badge.critical').count()).toBe(0);
      expect(await page.locator('#container-page .facts').textContent()).toContain('Criticalno');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await server.close();
      await agent.stop();
    }
  });
});
