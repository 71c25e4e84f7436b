import { defaultMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
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

describe('the dashboard with 500 containers', () => {
  it('renders the whole grid, then applies a single live change without re-rendering it', async () => {
    const clock = new FakeClock({ start: Date.now() });
    const runtime = new FakeContainerRuntime({ clock });
    const names = Array.from({ length: 500 }, (_, index) => `app-${String(index).padStart(3, '0')}`);
    for (const name of names) runtime.addContainer({ name });
    const agent = new WebsiteMonitorAgent({
      config: defaultMonitorConfig(),
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
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const problems = recordPageProblems(page);
    const historyRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/monitor/metrics/container/')) historyRequests.push(request.url());
    });
    try {
      const startedAt = Date.now();
      await page.goto(`${server.url}/`);
      // A selector, not waitForFunction: its polling evaluates strings, which the page's CSP forbids.
      await page.locator('html[data-rendered="500"]').waitFor({ state: 'attached', timeout: 20_000 });
      const renderMs = Date.now() - startedAt;
      // Browser-side code as strings: this file is type-checked as Node code, without DOM types.
      const timing = (await page.evaluate(`(() => {
        const [navigation] = performance.getEntriesByType('navigation');
        const [render] = performance.getEntriesByName('dashboard:render');
        return {
          domContentLoaded: Math.round(navigation ? navigation.domContentLoadedEventEnd : 0),
          firstFullRender: Math.round(render ? render.duration : 0),
          renderedAt: Math.round(render ? render.startTime + render.duration : 0),
        };
      })()`)) as { domContentLoaded: number; firstFullRender: number; renderedAt: number };
      console.info(
        `[dashboard] 500 containers: navigation -> grid rendered in ${renderMs} ms (DOMContentLoaded ${timing.domContentLoaded} ms, grid built by ${timing.renderedAt} ms, the render itself ${timing.firstFullRender} ms)`,
      );
      expect(renderMs, 'a generous sanity bound, not a benchmark').toBeLessThan(15_000);
      expect(await page.locator('#grid > .card').count()).toBe(500);
      expect(await page.locator('#summary [data-stat="total"] dd').textContent()).toBe('500');
      // Sparkline history is read for the cards in view (and a margin), not for all 500.
      await expect.poll(() => historyRequests.length).toBeGreaterThan(0);
      await page.waitForTimeout(500);
      console.info(`[dashboard] 500 containers: history requests after load: ${historyRequests.length}`);
      expect(historyRequests.length).toBeLessThan(100);

      // One container changes: exactly its card changes, the other 499 nodes stay the same objects.
      await page.evaluate("window.firstCard = document.querySelector('#grid > .card')");
      const changedAt = Date.now();
      runtime.crash('app-250', { exitCode: 2 });
      const card = page.locator('.card[data-name="app-250"]');
      await expect.poll(() => card.getAttribute('data-problem'), { timeout: 10_000 }).toBe('true');
      console.info(`[dashboard] 500 containers: one crash -> card updated in ${Date.now() - changedAt} ms`);
      expect(await page.evaluate("window.firstCard === document.querySelector('#grid > .card')")).toBe(true);
      expect(await page.locator('#grid > .card').count()).toBe(500);

      await page.locator('#filter').fill('app-25');
      await expect.poll(() => page.locator('#grid > .card:visible').count()).toBe(10); // app-250 ... app-259
      expect(problems).toEqual([]);
    } finally {
      await page.close();
      await server.close();
      await agent.stop();
    }
  });
});
