import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardHandler, dashboardContentSecurityPolicy } from './dashboard-handler.js';

let server: Server;
let base: string;

beforeAll(async () => {
  const handler = await createDashboardHandler();
  server = createServer((request, response) => {
    void handler(request, response).then((handled) => {
      if (!handled) response.writeHead(418).end('not the dashboard');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const raw = (path: string, init: RequestInit = {}) => fetch(`${base}${path}`, init);

async function assetPaths(): Promise<{ script: string; styles: string }> {
  const html = await (await raw('/')).text();
  const script = /<script defer src="([^"]+)"/.exec(html)?.[1];
  const styles = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1];
  if (!script || !styles) throw new Error(`the page names no script or styles:\n${html}`);
  return { script, styles };
}

describe('createDashboardHandler', () => {
  it('serves the page at / with a strict CSP, revalidated on every load', async () => {
    const response = await raw('/?from=bookmark');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toBe(dashboardContentSecurityPolicy);
    expect(dashboardContentSecurityPolicy).toContain("script-src 'self'");
    expect(dashboardContentSecurityPolicy).not.toContain('unsafe-inline');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const html = await response.text();
    expect(html).toContain('<main id="main"');
    // Nothing inline for the CSP to allow: no <script> body, no style attribute or element.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|<style/);
    expect((await raw('/index.html')).status).toBe(200);
  });

  it('serves content-hashed assets with their types, cached for a year, gzipped when accepted', async () => {
    const { script, styles } = await assetPaths();
    expect(script).toMatch(/^\/assets\/app-[0-9a-f]{10}\.js$/);
    const js = await raw(script, { headers: { 'accept-encoding': 'identity' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-encoding')).toBeNull();
    const body = Buffer.from(await js.arrayBuffer());
    expect(body.length).toBeGreaterThan(1000);

    const css = await raw(styles);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');

    // fetch decodes gzip itself: the declared length is the compressed one, the body the original.
    const gzipped = await raw(script, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(Number(gzipped.headers.get('content-length'))).toBeLessThan(body.length);
    expect(Buffer.from(await gzipped.arrayBuffer()).equals(body)).toBe(true);
  });

  it('answers 304 to a matching If-None-Match, and HEAD without a body', async () => {
    const first = await raw('/');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{10}"$/);
    const again = await raw('/', { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const head = await raw('/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(0);
  });

  it('leaves other paths and methods to the caller', async () => {
    expect((await raw('/assets/app-0000000000.js')).status).toBe(418);
    expect((await raw('/monitor/status')).status).toBe(418);
    expect((await raw('/', { method: 'POST' })).status).toBe(418);
  });
});
