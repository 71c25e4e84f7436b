import { initialProbeCounters, type ProbeCounters } from '../check/probe-counter.js';
import type { ContainerSettings } from '../config/monitor-config.js';
import type { ContainerDetails, ContainerEventAction, ContainerStatsSample } from '../domain/container.js';
import type { HealthVerdict } from '../domain/health.js';
import type { Incident } from '../domain/incident.js';
import type { InstructionMarker } from '../policy/instruction-detector.js';

/** What the agent remembers about one container between checks. */
export interface ContainerWatch {
  id: string;
  name: string;
  /** Null when the container is not monitored (opted out or not selected). */
  settings: ContainerSettings | null;
  details: ContainerDetails | undefined;
  /** When the engine was last asked about it (an inspect), for the periodic pass's refresh. */
  inspectedAt: number | undefined;
  counters: ProbeCounters;
  previousStats: ContainerStatsSample | undefined;
  /** A reading that arrived since the last check, not yet used by a verdict. */
  freshStats: ContainerStatsSample | undefined;
  statsInFlight: Promise<void> | undefined;
  verdict: HealthVerdict | undefined;
  /** The open incident, if any; set only by the incident coordinator. */
  incident: Incident | undefined;
  /** An action of ours succeeded during the open incident. */
  healedByUs: boolean;
  /** A heal is running: a second one waits for it instead of racing it. */
  healing: boolean;
  /** Healing actions running on it now. */
  actionsInFlight: number;
  healAgain: boolean;
  /** The running check loop; `checkAgain` asks it for one more check (an event arrived meanwhile). */
  checkLoop: Promise<void> | undefined;
  checkAgain:
    | {
        probe: boolean;
        reason: string;
        exited?: { readonly exitCode: number | null; readonly oomKilled: boolean; readonly time: number };
        /** See `CheckRequest`: every check merged into this one could skip the inspect. */
        knownState?: boolean;
        stats?: boolean;
      }
    | undefined;
  /** Attempts per strategy step in the open incident, for `max_attempts` (the crash-loop streak is the restart ledger's). */
  stepAttempts: Map<string, number>;
  stepLastAt: Map<string, number>;
  /** When the HTTP probe is next due (`nextProbeAt` of check/probe-schedule). */
  nextProbeAt: number;
  /** When the next full check (inspect + stats + probe) is due: `check_interval_seconds` after the last. */
  nextCheckAt: number;
  /** Earliest pending re-check, so waits do not pile up timers. */
  recheckAt: number | undefined;
  /** When Docker's own restart policy started being given its chance. */
  dockerRestartSince: number | undefined;
  labelIssuesLogged: Set<string>;
  /** When the kernel last OOM-killed it (the `oom` event comes just before its `die`). */
  oomAt: number | undefined;
  /** The container's last engine events, oldest first, for the diagnosis context. */
  recentEvents: { action: ContainerEventAction; time: number; exitCode?: number }[];
  /** Instruction-like markers found in the text the model saw, and the rules' own choice. */
  modelGuard: { markers: readonly InstructionMarker[]; rulesAction: string } | undefined;
  /** A restart slot the queue granted to this container's waiting restart, not yet used. */
  grantedSlot: boolean;
  /** Since when the open incident has waited for an unhealthy dependency (bounded by config). */
  dependencyWaitSince: number | undefined;
  /** A dependency this container waited for recovered during the open incident. */
  dependencyRecovered: boolean;
  /** The open incident was reopened: the failure that came back is diagnosed afresh. */
  rediagnose: boolean;
  /**
   * Since when the container with an open incident has been judged healthy without a break: the
   * incident resolves once this lasts `healing.resolve_after_seconds`.
   */
  healthySince: number | undefined;
  /** Log tail requested when a failure event arrived, ready for the diagnosis. */
  logPrefetch:
    | {
        readonly at: number;
        readonly lines: Promise<readonly string[]>;
        ready: readonly string[] | undefined;
      }
    | undefined;
}

export function createContainerWatch(id: string, name: string): ContainerWatch {
  return {
    id,
    name,
    settings: null,
    details: undefined,
    inspectedAt: undefined,
    counters: initialProbeCounters(),
    previousStats: undefined,
    freshStats: undefined,
    statsInFlight: undefined,
    verdict: undefined,
    incident: undefined,
    healedByUs: false,
    healing: false,
    actionsInFlight: 0,
    healAgain: false,
    checkLoop: undefined,
    checkAgain: undefined,
    stepAttempts: new Map(),
    stepLastAt: new Map(),
    nextProbeAt: 0,
    nextCheckAt: 0,
    recheckAt: undefined,
    dockerRestartSince: undefined,
    labelIssuesLogged: new Set(),
    oomAt: undefined,
    recentEvents: [],
    modelGuard: undefined,
    grantedSlot: false,
    dependencyWaitSince: undefined,
    dependencyRecovered: false,
    rediagnose: false,
    healthySince: undefined,
    logPrefetch: undefined,
  };
}
