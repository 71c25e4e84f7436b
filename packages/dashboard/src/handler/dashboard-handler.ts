import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DashboardAssets, loadDashboardAssets } from '../assets/dashboard-assets.js';

/** A node:http handler for the dashboard; resolves to false for a path that is not the dashboard's. */
export type DashboardHandler = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/** Where the dashboard's files come from. */
export interface DashboardHandlerOptions {
  /** Defaults to `loadDashboardAssets()`: the prebuilt bundle, or a build of the source. */
  readonly assets?: DashboardAssets;
}

/**
 * The page allows only its own script, styles and API: no inline code, no other origin, no
 * framing. Sparklines are inline SVG elements made by the script, which this allows.
 */
export const dashboardContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders = {
  'content-security-policy': dashboardContentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Serves the dashboard at `/` (and `/index.html`) and its assets at `/assets/...`. Pass it to
 * the API: `startMonitorServer({ agent, dashboard: await createDashboardHandler() })`.
 *
 * @example
 * ```ts
 * import { createDashboardHandler } from '@website-monitor/dashboard';
 * import { startMonitorServer } from '@website-monitor/http-api';
 *
 * const server = await startMonitorServer({ agent, port: 9090, dashboard: await createDashboardHandler() });
 * console.log(`dashboard on ${server.url}/`);
 * ```
 */
export async function createDashboardHandler(
  options: DashboardHandlerOptions = {},
): Promise<DashboardHandler> {
  const assets = options.assets ?? (await loadDashboardAssets());
  return async (request, response) => {
    const method = request.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') return false;
    const pathname = (request.url ?? '/').split('?')[0] ?? '/';
    const asset = assets.get(pathname === '/' ? '/index.html' : pathname);
    if (!asset) return false;
    const headers: Record<string, string | number> = {
      ...securityHeaders,
      'content-type': asset.contentType,
      etag: asset.etag,
      vary: 'accept-encoding',
      // The page is revalidated on every load (cheap: 304), so a new build shows at once; the
      // assets it names carry their hash and never change.
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (request.headers['if-none-match'] === asset.etag) {
      response.writeHead(304, headers);
      response.end();
      return true;
    }
    const gzip = acceptsGzip(request.headers['accept-encoding']);
    const body = gzip ? asset.gzip : asset.body;
    if (gzip) headers['content-encoding'] = 'gzip';
    headers['content-length'] = body.length;
    response.writeHead(200, headers);
    response.end(method === 'HEAD' ? undefined : body);
    return true;
  };
}

function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip') return false;
    return !params.some((param) => param.trim() === 'q=0');
  });
}
