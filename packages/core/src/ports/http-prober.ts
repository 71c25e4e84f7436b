import type { HttpCheckResult } from '../domain/health.js';

/** HTTP probing as a port, so the core's checks can be driven without a network in tests. */
export interface HttpProber {
  probe(options: {
    readonly url: string;
    readonly timeoutMs: number;
    /** Status codes that count as healthy. */
    readonly expectedStatus: readonly number[];
    readonly signal?: AbortSignal;
    /**
     * When set, the probe connects only to one of these addresses: a host name is resolved at
     * connect time and answers outside the list are dropped; with none left, nothing is sent.
     */
    readonly allowedAddresses?: readonly string[];
  }): Promise<HttpCheckResult>;
}
