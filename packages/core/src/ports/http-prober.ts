import type { HttpCheckResult } from '../domain/health.js';

/** HTTP probing as a port, so the core's checks can be driven without a network in tests. */
export interface HttpProber {
  probe(options: {
    readonly url: string;
    readonly timeoutMs: number;
    /** Status codes that count as healthy. */
    readonly expectedStatus: readonly number[];
    readonly signal?: AbortSignal;
  }): Promise<HttpCheckResult>;
}
