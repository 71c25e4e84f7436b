import type {
  ApprovalRequest,
  HealingActionRecord,
  HealthSample,
  HealthVerdict,
  Incident,
  StatusLine,
} from '../api/api-types.js';

/** One check's numbers, as a sparkline needs them. */
export interface MetricPoint {
  readonly at: number;
  readonly cpuPercent: number | null;
  readonly memoryBytes: number | null;
  readonly memoryPercent: number | null;
  readonly responseTimeMs: number | null;
}

export interface ContainerView {
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

export interface DirtySet {
  /** Containers whose card must be redrawn. */
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
  host = '';
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

  loadStatus(status: { readonly host: string; readonly containers: readonly StatusLine[] }): void {
    this.host = status.host;
    const seen = new Set<string>();
    for (const line of status.containers) {
      seen.add(line.name);
      const view = this.#view(line.name, line.id);
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
      this.#dirtyContainers.add(line.name);
    }
    for (const name of [...this.containers.keys()]) {
      if (!seen.has(name)) {
        this.containers.delete(name);
        this.#membership = true;
      }
    }
    this.#unlisted = false;
    this.#engine = true;
  }

  loadIncidents(incidents: readonly Incident[]): void {
    this.incidents.clear();
    for (const incident of incidents) this.incidents.set(incident.id, incident);
    this.#incidents = true;
  }

  loadApprovals(approvals: readonly ApprovalRequest[]): void {
    this.approvals.clear();
    for (const approval of approvals)
      if (approval.status === 'pending') this.approvals.set(approval.id, approval);
    this.#approvals = true;
  }

  /** Stored samples (oldest first) in front of whatever live points already arrived. */
  loadHistory(name: string, samples: readonly HealthSample[]): void {
    const view = this.containers.get(name);
    if (!view) return;
    const stored = samples.map((sample) => pointOf(sample.checkedAt, sample.metrics));
    const newestStored = stored.at(-1)?.at ?? Number.NEGATIVE_INFINITY;
    view.history = [...stored, ...view.history.filter((point) => point.at > newestStored)].slice(
      -historyLength,
    );
    view.historyLoaded = true;
    this.#dirtyContainers.add(name);
  }

  /** One server-sent event, by its name. Unknown names are ignored (a newer agent may send more). */
  apply(event: string, payload: unknown): void {
    switch (event) {
      case 'check:completed':
      case 'check:failed': {
        const verdict = payload as HealthVerdict;
        const view = this.#view(verdict.containerName, verdict.containerId);
        this.#applyVerdict(view, verdict);
        this.#dirtyContainers.add(view.name);
        return;
      }
      case 'incident:opened':
      case 'incident:updated':
      case 'incident:resolved':
      case 'incident:escalated': {
        const incident = payload as Incident;
        this.incidents.set(incident.id, incident);
        this.#incidents = true;
        const view = this.containers.get(incident.containerName);
        if (view) {
          if (openStatuses.has(incident.status)) view.incident = incident;
          else if (view.incident?.id === incident.id) view.incident = null;
          this.#dirtyContainers.add(view.name);
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

  #view(name: string, id: string): ContainerView {
    let view = this.containers.get(name);
    if (!view) {
      view = {
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
      this.containers.set(name, view);
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
