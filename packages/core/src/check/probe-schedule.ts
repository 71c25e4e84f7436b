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

/**
 * When the next resource reading (stats) is due after one taken at `readAt`. With an endpoint,
 * the reading rides on a probe (no extra check for it): the first probe from one probe period
 * before `check_interval_seconds` is up takes it, so readings stay at most that interval apart
 * (every 9 s at the defaults). Without one, exactly every `check_interval_seconds`.
 */
export function nextStatsAt(options: {
  readonly readAt: number;
  readonly settings: ProbeScheduleSettings;
  readonly hasEndpoint: boolean;
}): number {
  const { readAt, settings, hasEndpoint } = options;
  const interval = settings.checkIntervalSeconds * 1000;
  return readAt + (hasEndpoint ? interval - probePeriodMs(settings) : interval);
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
 * Two cadences: the HTTP probe every `probe_interval_seconds` (and at the confirm interval while
 * a failure is being confirmed), and the resource reading (stats) at most `check_interval_seconds`
 * apart, taken with a probe when there is an endpoint. Neither inspects while the event stream is
 * connected: the engine reports every state change (die, oom, health_status, pause, start) as it
 * happens, each of those triggers its own inspect, and the full pass (`interval_seconds`)
 * inspects every container as the safety net. Without the stream, or before the first inspect,
 * the check inspects too, so it never judges a container that already exited as an endpoint that
 * stopped answering.
 */
export function planScheduledCheck(options: {
  readonly now: number;
  /** When the next HTTP probe is due (`nextProbeAt`). */
  readonly nextProbeAt: number;
  /** When the next resource reading is due (`nextStatsAt`). */
  readonly nextCheckAt: number;
  readonly hasEndpoint: boolean;
  readonly engineConnected: boolean;
  /** A state of the container is known from an inspect of this agent. */
  readonly stateKnown: boolean;
}): ScheduledCheck | undefined {
  const { now } = options;
  const stats = now >= options.nextCheckAt;
  // With an endpoint, the probe sets the pace and a due reading waits for it.
  const due = options.hasEndpoint ? now >= options.nextProbeAt : stats;
  if (!due) return undefined;
  return {
    inspect: !options.engineConnected || !options.stateKnown,
    stats,
    probe: options.hasEndpoint,
  };
}
