import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@website-monitor/core';
import { bearerToken, tokenMatches } from '../auth/bearer-auth.js';
import { clientKey, type FailedAuthThrottle } from '../auth/failed-auth-throttle.js';
import { ApiError } from '../http/api-error.js';
import { sendApiError } from '../http/send-api-error.js';
import type { HostCheck } from './host-check.js';

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

export interface RequestGateOptions {
  readonly hostCheck: HostCheck;
  /** The configured bearer token; without one there is nothing to guess and nothing is throttled. */
  readonly token: string | undefined;
  readonly throttle: FailedAuthThrottle;
  readonly logger: Logger;
}

/**
 * What every request passes before the API sees it, the dashboard included: the Host check
 * (421), the stop (503 once draining), the failed-token lockout (429). It also counts the
 * requests in flight, so a stopping server can answer them before it closes.
 */
export interface RequestGate {
  wrap(listener: RequestListener): RequestListener;
  /** From now on new requests are answered 503 (and their connection closed). */
  drain(): void;
  readonly draining: boolean;
  readonly inFlight: number;
  /** Resolves when no request is in flight, or after `timeoutMs`; true when none was left. */
  settled(timeoutMs: number): Promise<boolean>;
}

/** Distinct refused Host names logged, so a page hammering the port cannot flood the log. */
const maxLoggedHosts = 64;
/** A Host header is echoed back and logged at most this long. */
const maxShownHostLength = 100;

export function createRequestGate(options: RequestGateOptions): RequestGate {
  const { hostCheck, token, throttle, logger } = options;
  let draining = false;
  let inFlight = 0;
  let waiters: (() => void)[] = [];
  const loggedHosts = new Set<string>();

  const finished = () => {
    inFlight--;
    if (inFlight > 0) return;
    const ready = waiters;
    waiters = [];
    for (const wake of ready) wake();
  };

  const refuseHost = (request: IncomingMessage, response: ServerResponse, host: string) => {
    const shown = host.length > maxShownHostLength ? `${host.slice(0, maxShownHostLength)}...` : host;
    if (loggedHosts.size < maxLoggedHosts && !loggedHosts.has(shown)) {
      loggedHosts.add(shown);
      logger.log('warn', 'api_host_refused', {
        host: shown,
        client: request.socket.remoteAddress,
        path: (request.url ?? '').slice(0, 200),
      });
    }
    sendApiError(
      response,
      new ApiError(
        'misdirected',
        `this server does not answer to Host "${shown}": only its loopback names, its listen address and api.allowed_hosts are accepted (a defence against DNS rebinding); add the name to api.allowed_hosts if it is this monitor's`,
        { details: { host: shown } },
      ),
      { closeConnection: true },
    );
  };

  /** True when the request may go on; otherwise the 429 is already sent. */
  const passThrottle = (request: IncomingMessage, response: ServerResponse): boolean => {
    const header = request.headers.authorization;
    if (token === undefined || header === undefined) return true;
    const client = request.socket.remoteAddress ?? 'unknown';
    const locked = throttle.lockedFor(client);
    if (locked > 0) {
      sendTooMany(response, client, locked);
      return false;
    }
    const presented = bearerToken(header);
    if (presented !== undefined && tokenMatches(presented, token)) {
      throttle.succeed(client);
      return true;
    }
    const lockedNow = throttle.fail(client);
    if (lockedNow > 0) {
      logger.log('warn', 'api_auth_locked_out', {
        client: clientKey(client),
        locked_seconds: Math.ceil(lockedNow / 1000),
      });
    }
    // This attempt is answered by the API as usual (401); the next ones wait out the lockout.
    return true;
  };

  return {
    wrap(listener) {
      return (request, response) => {
        inFlight++;
        response.once('close', finished);
        const host = request.headers.host;
        if (!hostCheck(host)) return refuseHost(request, response, host ?? '');
        if (draining) {
          return sendApiError(
            response,
            new ApiError('unavailable', 'the monitor is stopping; try again once it is back', {
              headers: { 'retry-after': '5' },
            }),
            { closeConnection: true },
          );
        }
        if (!passThrottle(request, response)) return;
        listener(request, response);
      };
    },
    drain() {
      draining = true;
    },
    get draining() {
      return draining;
    },
    get inFlight() {
      return inFlight;
    },
    settled(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((wake) => wake !== done);
          resolve(false);
        }, timeoutMs);
        timer.unref();
        const done = () => {
          clearTimeout(timer);
          resolve(true);
        };
        waiters.push(done);
      });
    },
  };
}

function sendTooMany(response: ServerResponse, client: string, lockedMs: number): void {
  const seconds = Math.max(1, Math.ceil(lockedMs / 1000));
  sendApiError(
    response,
    new ApiError(
      'too_many_requests',
      `too many wrong bearer tokens from ${clientKey(client)}; try again in ${seconds} s`,
      { headers: { 'retry-after': String(seconds) }, details: { retryAfterSeconds: seconds } },
    ),
  );
}
