import type {
  ApprovalRequest,
  HealingActionRecord,
  HealthSample,
  HealthVerdict,
  Incident,
  StatusLine,
} from '../api/api-types.js';
import { everyHost, isSelfScope } from '../hosts/host-route.js';

/** One check's numbers, as a sparkline needs them. */
export interface MetricPoint {
  readonly at: number;
  readonly cpuPercent: number | null;
  readonly memoryBytes: number | null;
  readonly memoryPercent: number | null;
  readonly responseTimeMs: number | null;
}

export interface ContainerView {
  /** `containerKey(host, name)`: a fleet may run a container of the same name on several hosts. */
  readonly key: string;
  readonly host: string;
  readonly name: string;
  id: string;
  monitored: boolean;
  state: string | null;
  health: string | null;
  verdict: HealthVerdict | null;
  incident: Incident | null;
  restartsLeft: number | null;
  /** Marked `critical: true`: listed first and marked on its card and page. */
  critical: boolean;
  /** Oldest first, at most `historyLength` points. */
  history: MetricPoint[];
  /** Whether the stored samples were read (sparklines start with what the store has). */
  historyLoaded: boolean;
}

/** One container of one host; unambiguous whatever the names hold. */
export function containerKey(host: string, name: string): string {
  return JSON.stringify([host, name]);
}

export interface DirtySet {
  /** Containers (by key) whose card must be redrawn. */
  readonly containers: ReadonlySet<string>;
  /** A container came or went, or became (un)critical: the grid's order must be redone. */
  readonly membership: boolean;
  readonly incidents: boolean;
  readonly approvals: boolean;
  readonly engine: boolean;
}

export const historyLength = 60;
const openStatuses = new Set(['open', 'diagnosing', 'healing', 'awaiting_approval']);

/**
 * Everything the page shows, updated in place by snapshots and by single events; it records
 * what changed so the renderer touches only that, once per animation frame.
 */
export class DashboardState {
  /** The host the last status snapshot was about (the serving agent's when no host is picked). */
  host = '';
  /** The serving agent's host, from `/monitor/hosts` (null until read, or from an older agent). */
  selfHost: string | null = null;
  /** The picked host: null for the serving agent's own, a host name, or `*` for every host. */
  scope: string | null = null;
  readonly containers = new Map<string, ContainerView>();
  readonly incidents = new Map<string, Incident>();
  /** Healing action records seen on the event stream, by incident id. */
  readonly actions = new Map<string, HealingActionRecord[]>();
  readonly approvals = new Map<string, ApprovalRequest>();
  engine: { connected: boolean | null; error: string | null } = { connected: null, error: null };

  #dirtyContainers = new Set<string>();
  #membership = false;
  #incidents = false;
  #approvals = false;
  #engine = false;
  /** A container was first seen on the event stream: only the status snapshot says whether it is critical. */
  #unlisted = false;

  /**
   * Another host (or every host) was picked: what was shown is dropped, and live events of the
   * serving agent are applied only while its host is among those shown.
   */
  reset(scope: string | null): void {
    this.scope = scope;
    if (this.containers.size > 0) this.#membership = true;
    this.containers.clear();
    this.incidents.clear();
    this.actions.clear();
    this.approvals.clear();
    this.#dirtyContainers.clear();
    this.#incidents = this.#approvals = this.#engine = true;
    this.#unlisted = false;
  }

  /** Whether the serving agent's event stream is about what the page shows. */
  get showsLiveEvents(): boolean {
    return this.scope === everyHost || isSelfScope(this.scope, this.selfHost);
  }

  /** Whether the containers shown may be written to (healed, approved) from this page. */
  get writable(): boolean {
    return isSelfScope(this.scope, this.selfHost);
  }

  loadStatus(status: { readonly host: string; readonly containers: readonly StatusLine[] }): void {
    // `*` names no host: live events stay keyed by the serving agent's own.
    if (status.host !== everyHost) this.host = status.host;
    const seen = new Set<string>();
    for (const line of status.containers) {
      const view = this.#view(line.host ?? status.host, line.name, line.id);
      seen.add(view.key);
      view.id = line.id;
      view.monitored = line.monitored;
      view.state = line.state;
      view.health = line.health;
      view.restartsLeft = line.restartsLeft;
      view.incident = line.incident;
      const critical = line.critical === true;
      if (view.critical !== critical) {
        view.critical = critical;
        this.#membership = true;
      }
      if (line.verdict && line.verdict.checkedAt !== view.verdict?.checkedAt)
        this.#applyVerdict(view, line.verdict);
      this.#dirtyContainers.add(view.key);
    }
    for (const key of [...this.containers.keys()]) {
      if (!seen.has(key)) {
        this.containers.delete(key);
        this.#membership = true;
      }
    }
    this.#unlisted = false;
    this.#engine = true;
  }

  /** A snapshot; an incident already known in a newer version (from the event stream) keeps it. */
  loadIncidents(incidents: readonly Incident[]): void {
    const known = new Map(this.incidents);
    this.incidents.clear();
    for (const incident of incidents) {
      const current = known.get(incident.id);
      this.incidents.set(incident.id, current && current.updatedAt > incident.updatedAt ? current : incident);
    }
    this.#incidents = true;
  }

  loadApprovals(approvals: readonly ApprovalRequest[]): void {
    this.approvals.clear();
    for (const approval of approvals)
      if (approval.status === 'pending') this.approvals.set(approval.id, approval);
    this.#approvals = true;
  }

  /** Stored samples (oldest first) in front of whatever live points already arrived. */
  loadHistory(key: string, samples: readonly HealthSample[]): void {
    const view = this.containers.get(key);
    if (!view) return;
    const stored = samples.map((sample) => pointOf(sample.checkedAt, sample.metrics));
    const newestStored = stored.at(-1)?.at ?? Number.NEGATIVE_INFINITY;
    view.history = [...stored, ...view.history.filter((point) => point.at > newestStored)].slice(
      -historyLength,
    );
    view.historyLoaded = true;
    this.#dirtyContainers.add(key);
  }

  /** One server-sent event, by its name. Unknown names are ignored (a newer agent may send more). */
  apply(event: string, payload: unknown): void {
    // Every event but the engine's is about a container of the serving agent's host.
    if (event !== 'engine:connection' && !this.showsLiveEvents) return;
    switch (event) {
      case 'check:completed':
      case 'check:failed': {
        const verdict = payload as HealthVerdict;
        const view = this.#view(this.liveHost, verdict.containerName, verdict.containerId);
        this.#applyVerdict(view, verdict);
        this.#dirtyContainers.add(view.key);
        return;
      }
      case 'incident:opened':
      case 'incident:updated':
      case 'incident:resolved':
      case 'incident:escalated': {
        const incident = payload as Incident;
        this.incidents.set(incident.id, incident);
        this.#incidents = true;
        const view =
          this.containers.get(containerKey(incident.host, incident.containerName)) ??
          this.containers.get(containerKey(this.liveHost, incident.containerName));
        if (view) {
          if (openStatuses.has(incident.status)) view.incident = incident;
          else if (view.incident?.id === incident.id) view.incident = null;
          this.#dirtyContainers.add(view.key);
        }
        return;
      }
      case 'healing:attempt':
      case 'healing:result': {
        const action = payload as HealingActionRecord;
        const list = this.actions.get(action.incidentId) ?? [];
        const index = list.findIndex((known) => known.id === action.id);
        if (index === -1) list.push(action);
        else list[index] = action;
        this.actions.set(action.incidentId, list);
        this.#incidents = true;
        return;
      }
      case 'approval:required': {
        const approval = payload as ApprovalRequest;
        if (approval.status === 'pending') this.approvals.set(approval.id, approval);
        this.#approvals = true;
        return;
      }
      case 'approval:decided': {
        this.approvals.delete((payload as ApprovalRequest).id);
        this.#approvals = true;
        return;
      }
      case 'engine:connection': {
        const state = payload as { connected: boolean; error?: string };
        this.engine = { connected: state.connected, error: state.error ?? null };
        this.#engine = true;
        return;
      }
      default:
        return;
    }
  }

  /** The actions known for an incident: full records when seen live, else its action names. */
  actionsOf(incident: Incident): readonly (HealingActionRecord | { readonly action: string })[] {
    const records = this.actions.get(incident.id);
    if (records && records.length > 0) return records;
    return incident.actionsTaken.map((action) => ({ action }));
  }

  /**
   * What the page holds about one host, counted as its agent counts for its report (unhealthy: a
   * verdict other than healthy; open incidents: containers with one); undefined when it holds none
   * of that host's containers.
   */
  countsOf(host: string): { containers: number; unhealthy: number; openIncidents: number } | undefined {
    let containers = 0;
    let unhealthy = 0;
    let openIncidents = 0;
    for (const view of this.containers.values()) {
      if (view.host !== host) continue;
      containers++;
      if (view.verdict !== null && view.verdict.status !== 'healthy') unhealthy++;
      if (view.incident !== null) openIncidents++;
    }
    return containers === 0 ? undefined : { containers, unhealthy, openIncidents };
  }

  /** Redraw the queue (e.g. a button became busy). */
  markApprovalsChanged(): void {
    this.#approvals = true;
  }

  /**
   * True once after a container appeared through an event rather than a status snapshot: the
   * caller then reads `/monitor/status` again (its critical flag is not on the events).
   */
  takeUnlisted(): boolean {
    const unlisted = this.#unlisted;
    this.#unlisted = false;
    return unlisted;
  }

  /** What changed since the last call; clears it. */
  takeDirty(): DirtySet {
    const dirty: DirtySet = {
      containers: this.#dirtyContainers,
      membership: this.#membership,
      incidents: this.#incidents,
      approvals: this.#approvals,
      engine: this.#engine,
    };
    this.#dirtyContainers = new Set();
    this.#membership = this.#incidents = this.#approvals = this.#engine = false;
    return dirty;
  }

  get hasChanges(): boolean {
    return (
      this.#dirtyContainers.size > 0 || this.#membership || this.#incidents || this.#approvals || this.#engine
    );
  }

  /** The host live events are about: the serving agent's. */
  get liveHost(): string {
    return this.selfHost ?? this.host;
  }

  #view(host: string, name: string, id: string): ContainerView {
    const key = containerKey(host, name);
    let view = this.containers.get(key);
    if (!view) {
      view = {
        key,
        host,
        name,
        id,
        monitored: true,
        state: null,
        health: null,
        verdict: null,
        incident: null,
        restartsLeft: null,
        critical: false,
        history: [],
        historyLoaded: false,
      };
      this.containers.set(key, view);
      this.#membership = true;
      this.#unlisted = true;
    }
    return view;
  }

  #applyVerdict(view: ContainerView, verdict: HealthVerdict): void {
    view.verdict = verdict;
    view.id = verdict.containerId;
    view.state = verdict.metrics.state;
    view.health = verdict.status;
    const last = view.history.at(-1);
    if (!last || last.at < verdict.checkedAt) {
      view.history.push(pointOf(verdict.checkedAt, verdict.metrics));
      if (view.history.length > historyLength) view.history.splice(0, view.history.length - historyLength);
    }
  }
}

function pointOf(at: number, metrics: HealthVerdict['metrics']): MetricPoint {
  return {
    at,
    cpuPercent: metrics.cpuPercent ?? null,
    memoryBytes: metrics.memoryBytes ?? null,
    memoryPercent: metrics.memoryPercent ?? null,
    responseTimeMs: metrics.responseTimeMs ?? null,
  };
}
