import type { ContainerCheckSettings } from '../config/monitor-config.js';
import { isConfirmingFailure, type ProbeCounters } from './probe-counter.js';

/** The part of a container's settings its schedule depends on; `ContainerSettings` fits. */
export type ProbeScheduleSettings = Pick<
  ContainerCheckSettings,
  'checkIntervalSeconds' | 'probeIntervalSeconds' | 'confirmIntervalSeconds'
>;

/** The HTTP probe's period in effect: a check probes too, so it is never longer than the check interval. */
export function probePeriodMs(settings: ProbeScheduleSettings): number {
  return Math.min(settings.probeIntervalSeconds, settings.checkIntervalSeconds) * 1000;
}

/** Failures are confirmed sooner than the next period (false: kubelet's timing, every probe a period apart). */
export function confirmsQuickly(settings: ProbeScheduleSettings): boolean {
  return settings.confirmIntervalSeconds * 1000 < probePeriodMs(settings);
}

/**
 * When the next HTTP probe of a container is due, after a probe that started at `probedAt` and left
 * `counters` behind (its evaluation's counters).
 *
 * kubelet probes every `periodSeconds` whatever happened and needs `failureThreshold` failures in
 * a row, so with its defaults a 500 is believed 20-30 s after it starts. Here the count and its
 * reset are kubelet's, but a failure that is not yet confirmed is re-probed at the confirm
 * interval: a real failure reaches the threshold in (threshold - 1) confirm intervals, and one
 * slow or failed answer is followed at once by a good one that starts the count again.
 *
 * Counted from the probe's start, not its end, so a slow probe does not push the schedule back; a
 * confirmation that fell due while its predecessor was still waiting goes out at once.
 */
export function nextProbeAt(options: {
  readonly probedAt: number;
  readonly counters: ProbeCounters;
  readonly settings: ProbeScheduleSettings;
}): number {
  const { probedAt, counters, settings } = options;
  const period = probePeriodMs(settings);
  const delay = isConfirmingFailure(counters)
    ? Math.min(settings.confirmIntervalSeconds * 1000, period)
    : period;
  return probedAt + delay;
}

/** What a scheduled check of one container does now. */
export interface ScheduledCheck {
  /** Ask the engine for the container's state (one `inspect`). */
  readonly inspect: boolean;
  /** Take a resource reading (one `stats`). */
  readonly stats: boolean;
  /** Probe the HTTP endpoint. */
  readonly probe: boolean;
}

/**
 * Whether a watched, running container has a check due at `now`, and what it does.
 *
 * Two cadences: the full check (inspect, stats and the probe) every `check_interval_seconds`, as
 * before, and the HTTP probe alone every `probe_interval_seconds` (and at the confirm interval
 * while a failure is being confirmed). A probe between two full checks costs no engine call when
 * the event stream is connected: the engine reports every state change (die, oom, health_status,
 * pause, start) as it happens, and each of those triggers its own inspect. Without the stream, or
 * before the first inspect, the probe inspects too, so it never judges a container that already
 * exited as an endpoint that stopped answering.
 */
export function planScheduledCheck(options: {
  readonly now: number;
  /** When the next HTTP probe is due (`nextProbeAt`). */
  readonly nextProbeAt: number;
  /** When the next full check is due: the last one's start + `check_interval_seconds`. */
  readonly nextCheckAt: number;
  readonly hasEndpoint: boolean;
  readonly engineConnected: boolean;
  /** A state of the container is known from an inspect of this agent. */
  readonly stateKnown: boolean;
}): ScheduledCheck | undefined {
  const { now } = options;
  const full = now >= options.nextCheckAt;
  const probe = options.hasEndpoint && (full || now >= options.nextProbeAt);
  if (!full && !probe) return undefined;
  return {
    inspect: full || !options.engineConnected || !options.stateKnown,
    stats: full,
    probe,
  };
}
