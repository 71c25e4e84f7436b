import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type * as NodeHttp from 'node:http';
import type { ClientRequest, Agent as HttpAgent, IncomingMessage } from 'node:http';
import type * as NodeHttps from 'node:https';
import type { Agent as HttpsAgent } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { canonicalAddress } from '../config/label-endpoint-guard.js';
import type { HttpCheckResult } from '../domain/health.js';
import type { HttpProber } from '../ports/http-prober.js';

/**
 * The HTTP probe on Node's `http`/`https` modules. Not on `fetch`: the agent already loads
 * `node:http` for the Docker socket, while the first `fetch` loads undici and its WebAssembly
 * parser, ~16 MB of RSS for a daemon whose whole budget is 120 MB (measured, see BENCHMARKS.md).
 *
 * - GET, redirects never followed: the probe judges the endpoint itself (kubelet's HTTP probe does
 *   not follow redirects off the host either), and an endpoint cannot send the agent elsewhere
 *   with a `Location`; whether a 3xx is healthy is `expectedStatus`'s call.
 * - `allowedAddresses` (an endpoint from a container's label): an IP in the URL must be one of
 *   them, and a host name is resolved at connect time with every answer outside the list dropped,
 *   so neither the label nor a DNS answer can point the probe at another host.
 * - One connection per probe (`Connection: close`, an agent without keep-alive or TLS session
 *   cache), as kubelet does: no pooled socket or session carries state from one probe to the
 *   next, and none stays open between probes. One such agent serves every probe of a prober
 *   (`agent: false` built a new one per request: ~15 % of a probe's CPU on loopback).
 * - The timeout is an abort signal over the whole exchange (DNS, connect, TLS, headers), so a
 *   hanging endpoint costs `timeoutMs` and never more.
 * - Only the status matters: the response is destroyed as soon as its headers arrive, so a body
 *   that never ends cannot pin the socket.
 * - The response time is time to the response headers, read with `performance.now()` (a
 *   measurement of the network, not the logic clock, so the `Clock` port does not apply).
 *
 * It never throws for the endpoint's sake: every failure is a result with `ok: false` and an
 * `error` a person can read (`timeout after 1000ms`, `ECONNREFUSED`, `unexpected status 500`).
 */
export function createNodeHttpProber(): HttpProber {
  const agents = new ProbeAgents();
  return {
    async probe({ url, timeoutMs, expectedStatus, signal, allowedAddresses }): Promise<HttpCheckResult> {
      const failure = (error: string, responseTimeMs = 0): HttpCheckResult => ({
        url,
        ok: false,
        status: undefined,
        responseTimeMs,
        error,
      });
      const parsed = parseProbeUrl(url);
      if (typeof parsed === 'string') return failure(parsed);
      if (signal?.aborted) return failure('aborted');
      const allowed =
        allowedAddresses === undefined ? undefined : new Set(allowedAddresses.map(canonicalAddress));
      const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
      if (allowed !== undefined && isIP(host) !== 0 && !allowed.has(canonicalAddress(host))) {
        return failure(`refused: ${host} is not an address of the container`);
      }

      const timeout = AbortSignal.timeout(Math.max(1, timeoutMs));
      const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
      const startedAt = performance.now();
      const elapsed = () => Math.round(performance.now() - startedAt);
      try {
        const response = await headersOf(parsed, combined, agents, allowed && guardedLookup(allowed));
        const responseTimeMs = elapsed();
        const status = response.statusCode ?? 0;
        const ok = expectedStatus.includes(status);
        return { url, ok, status, responseTimeMs, error: ok ? undefined : `unexpected status ${status}` };
      } catch (error) {
        if (timeout.aborted) return { ...failure(`timeout after ${timeoutMs}ms`, elapsed()), timedOut: true };
        if (signal?.aborted) return failure('aborted', elapsed());
        return failure(connectionErrorCode(error), elapsed());
      }
    },
  };
}

/**
 * `node:http` and `node:https` as CommonJS modules (`process.getBuiltinModule`), not through
 * `import`: Node 24 builds an ES module facade for an imported builtin by reading every export,
 * and `node:http`'s lazy `WebSocket`-family exports then load undici (~13 MB of RSS, measured) in
 * an agent that never uses it. `node:https` (TLS, ~7 MB) is loaded at the first https probe only.
 */
class ProbeAgents {
  readonly #http = process.getBuiltinModule('node:http');
  #https: typeof NodeHttps | undefined;
  #httpAgent: HttpAgent | undefined;
  #httpsAgent: HttpsAgent | undefined;

  request(url: URL, options: NodeHttp.RequestOptions): ClientRequest {
    if (url.protocol === 'https:') {
      this.#https ??= process.getBuiltinModule('node:https');
      this.#httpsAgent ??= new this.#https.Agent({ keepAlive: false, maxCachedSessions: 0 });
      return this.#https.request(url, { ...options, agent: this.#httpsAgent });
    }
    this.#httpAgent ??= new this.#http.Agent({ keepAlive: false });
    return this.#http.request(url, { ...options, agent: this.#httpAgent });
  }
}

/** Resolves with the response once its headers are in; the body is never read. */
function headersOf(
  url: URL,
  signal: AbortSignal,
  agents: ProbeAgents,
  lookup: LookupFunction | undefined,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    let request: ClientRequest;
    try {
      request = agents.request(url, {
        method: 'GET',
        signal,
        ...(lookup ? { lookup } : {}),
        headers: { accept: '*/*', 'user-agent': 'website-monitor', connection: 'close' },
      });
    } catch (error) {
      // e.g. a header-invalid character in the path: refused before anything is sent.
      reject(error);
      return;
    }
    request.once('response', (response) => {
      resolve(response);
      response.destroy();
    });
    // `on`, not `once`: a late second error (an abort after the response) must not go unhandled.
    request.on('error', reject);
    request.end();
  });
}

/**
 * `dns.lookup`, keeping only the answers in `allowed`: the check happens on the very answer the
 * socket connects to, so a name cannot resolve to the container when checked and elsewhere when
 * used. No answer left is an error that names what the name resolved to.
 */
function guardedLookup(allowed: ReadonlySet<string>): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, answers: LookupAddress[]) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const permitted = answers.filter((answer) => allowed.has(canonicalAddress(answer.address)));
      const first = permitted[0];
      if (first === undefined) {
        const seen = answers.map((answer) => answer.address).join(', ') || 'nothing';
        callback(
          new Error(`refused: ${hostname} resolves to ${seen}, not an address of the container`),
          '',
          0,
        );
        return;
      }
      if (options.all) (callback as (error: null, addresses: LookupAddress[]) => void)(null, permitted);
      else callback(null, first.address, first.family);
    });
  };
}

function parseProbeUrl(url: string): URL | string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `invalid URL "${url}"`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `unsupported URL scheme "${parsed.protocol}", expected http: or https:`;
  }
  return parsed;
}

/**
 * The errno or parser code is what a person needs (`ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`,
 * `CERT_HAS_EXPIRED`, `HPE_INVALID_CONSTANT`...). A host name with several addresses fails with
 * an AggregateError whose parts carry the codes.
 */
function connectionErrorCode(error: unknown): string {
  const code = codeOf(error);
  if (code !== undefined) return code;
  if (error instanceof AggregateError) {
    for (const part of error.errors) {
      const partCode = codeOf(part);
      if (partCode !== undefined) return partCode;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

function codeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' && code.length > 0 ? code : undefined;
}
