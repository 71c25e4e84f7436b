import type { HttpCheckResult } from '../domain/health.js';
import type { HttpProber } from '../ports/http-prober.js';

/**
 * The HTTP probe on Node's built-in fetch, so core needs no HTTP library.
 *
 * - GET with `redirect: 'manual'`: the probe judges the endpoint itself (kubelet's HTTP probe does
 *   not follow redirects off the host either); whether a 3xx is healthy is `expectedStatus`'s call.
 * - The timeout is an abort signal, so a hanging endpoint costs `timeoutMs` and never more.
 * - Only the status matters, so the body is cancelled at once: an unread body would pin the
 *   socket until the server finishes, and a probe every few seconds would pile them up.
 * - The response time is time to the response headers, read with `performance.now()` (a
 *   measurement of the network, not the logic clock, so the `Clock` port does not apply).
 *
 * It never throws for the endpoint's sake: every failure is a result with `ok: false` and an
 * `error` a person can read (`timeout after 1000ms`, `ECONNREFUSED`, `unexpected status 500`).
 */
export function createFetchHttpProber(): HttpProber {
  return {
    async probe({ url, timeoutMs, expectedStatus, signal }): Promise<HttpCheckResult> {
      const failure = (error: string, responseTimeMs = 0): HttpCheckResult => ({
        url,
        ok: false,
        status: undefined,
        responseTimeMs,
        error,
      });
      const unsupported = unsupportedUrl(url);
      if (unsupported !== undefined) return failure(unsupported);

      const timeout = AbortSignal.timeout(Math.max(1, timeoutMs));
      const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
      const startedAt = performance.now();
      const elapsed = () => Math.round(performance.now() - startedAt);
      try {
        const response = await fetch(url, {
          method: 'GET',
          redirect: 'manual',
          cache: 'no-store',
          headers: { accept: '*/*', 'user-agent': 'website-monitor' },
          signal: combined,
        });
        const responseTimeMs = elapsed();
        // Cancelling may reject when the server already reset the stream; the status is what counts.
        await response.body?.cancel().catch(() => {});
        const ok = expectedStatus.includes(response.status);
        return {
          url,
          ok,
          status: response.status,
          responseTimeMs,
          error: ok ? undefined : `unexpected status ${response.status}`,
        };
      } catch (error) {
        if (timeout.aborted) return failure(`timeout after ${timeoutMs}ms`, elapsed());
        if (signal?.aborted) return failure('aborted', elapsed());
        return failure(connectionErrorCode(error), elapsed());
      }
    },
  };
}

function unsupportedUrl(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `invalid URL "${url}"`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `unsupported URL scheme "${parsed.protocol}", expected http: or https:`;
  }
  return undefined;
}

/**
 * fetch reports every network failure as `TypeError: fetch failed`; the useful part is the cause's
 * errno code (`ECONNREFUSED`, `ENOTFOUND`, `ECONNRESET`, `CERT_HAS_EXPIRED`...). A host name with
 * several addresses fails with an AggregateError whose parts carry the codes.
 */
function connectionErrorCode(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const code = codeOf(cause);
  if (code !== undefined) return code;
  if (cause instanceof AggregateError) {
    for (const part of cause.errors) {
      const partCode = codeOf(part);
      if (partCode !== undefined) return partCode;
    }
  }
  return cause instanceof Error ? cause.message : String(cause);
}

function codeOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const code = (value as { code?: unknown }).code;
  return typeof code === 'string' && code.length > 0 ? code : undefined;
}
