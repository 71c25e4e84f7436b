import type { HealthEndpointGuard } from '../config/monitor-config.js';
import type { HttpCheckResult } from '../domain/health.js';
import type { BaselineSnapshot } from '../learn/baseline-book.js';
import type { HttpProber } from '../ports/http-prober.js';
import type { ProbeCounters } from './probe-counter.js';
import { confirmsQuickly, type ProbeScheduleSettings } from './probe-schedule.js';
import { explainProbeTimeout, planProbeTimeout } from './probe-timeout.js';

/**
 * One HTTP probe of a watched container, with the timeout `planProbeTimeout` gives it (the
 * configured one, or shorter once the endpoint's normal is known or a silence is being confirmed),
 * and a timeout under a shortened plan explained in the result's `error`.
 *
 * An endpoint from a container's label carries a guard (`healthEndpointGuard`, set by
 * `resolveContainerSettings`): the probe of that URL connects only to the container's own
 * addresses. A URL other than the guarded one (a person's, through the API) is not restricted.
 */
export async function probeEndpoint(options: {
  readonly prober: HttpProber;
  readonly url: string;
  readonly expectedStatus: readonly number[];
  /** `health_check_timeout`, in milliseconds. */
  readonly configuredTimeoutMs: number;
  /** What the previous evaluation of this container left. */
  readonly counters?: ProbeCounters;
  /** `BaselineBook.snapshot` of the container. */
  readonly baselines?: BaselineSnapshot;
  /** The container's probe cadence; without it confirmations count as quick. */
  readonly settings?: ProbeScheduleSettings & { readonly healthEndpointGuard?: HealthEndpointGuard };
  readonly signal?: AbortSignal;
}): Promise<HttpCheckResult> {
  const plan = planProbeTimeout({
    configuredMs: options.configuredTimeoutMs,
    quickConfirmation: options.settings === undefined || confirmsQuickly(options.settings),
    ...(options.baselines ? { baselines: options.baselines } : {}),
    ...(options.counters ? { counters: options.counters } : {}),
  });
  const guard = options.settings?.healthEndpointGuard;
  const result = await options.prober.probe({
    url: options.url,
    ...(guard !== undefined && guard.url === options.url ? { allowedAddresses: guard.addresses } : {}),
    timeoutMs: plan.timeoutMs,
    expectedStatus: options.expectedStatus,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return explainProbeTimeout(result, plan);
}
