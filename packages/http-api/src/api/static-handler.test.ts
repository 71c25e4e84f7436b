import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from './api-harness.test-helper.js';

let harness: ApiHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A stand-in for the dashboard: answers `/` only, and records what it was asked. */
function pageHandler(seen: string[]) {
  return async (request: IncomingMessage, response: ServerResponse) => {
    seen.push(`${request.method} ${request.url}`);
    if (request.url !== '/') return false;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<h1>dashboard</h1>');
    return true;
  };
}

describe('the dashboard option', () => {
  it('answers GET requests no API route matches; API routes never reach it', async () => {
    const seen: string[] = [];
    harness = await startApiHarness({ server: { dashboard: pageHandler(seen) } });
    const page = await harness.call('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<h1>dashboard</h1>');
    expect((await harness.call('/monitor/status')).status).toBe(200);
    expect(seen).toEqual(['GET /']);
  });

  it('leaves a 404 when it declines, and never sees writes or wrong methods on API paths', async () => {
    const seen: string[] = [];
    harness = await startApiHarness({ server: { dashboard: pageHandler(seen) } });
    const missing = await harness.call('/nope');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await harness.call('/', { method: 'DELETE' })).status).toBe(404);
    expect((await harness.call('/monitor/status', { method: 'POST' })).status).toBe(405);
    expect(seen).toEqual(['GET /nope']);
  });

  it('is optional: without it / is a 404', async () => {
    harness = await startApiHarness();
    expect((await harness.call('/')).status).toBe(404);
  });
});
