import type { StrategyStep } from '../config/monitor-config.js';
import { normalizeActionName } from '../domain/action.js';
import type { ApprovalRequest, ApprovalStepParams } from '../domain/healing-action.js';
import type { Incident } from '../domain/incident.js';
import { MonitorError } from '../errors/monitor-error.js';

/**
 * Actions waiting for a person's yes or no. In memory; every change returns the updated request
 * so the agent can write it through the Store, and `restore` rebuilds the queue after a restart.
 *
 * One pending request per incident and action: asking again while one waits returns that one.
 * A request keeps the step's settings (`params`): `approvedStep` gives back the step to run.
 */
export interface ApprovalQueue {
  request(input: {
    readonly id: string;
    readonly incident: Incident;
    readonly action: string;
    readonly reason: string;
    readonly now: number;
    /** The settings of the step being asked about (`approvalParamsOf(step)`). */
    readonly params?: ApprovalStepParams;
  }): { readonly request: ApprovalRequest; readonly created: boolean };
  /** Throws a MonitorError (code `approval`) when the request is unknown or no longer pending. */
  approve(input: { readonly id: string; readonly by: string; readonly now: number }): ApprovalRequest;
  /** Throws a MonitorError (code `approval`) when the request is unknown or no longer pending. */
  reject(input: { readonly id: string; readonly by: string; readonly now: number }): ApprovalRequest;
  /**
   * Rejects every pending request of an incident that no longer needs them (it resolved), in the
   * name of `by`, and returns them.
   */
  withdrawForIncident(input: {
    readonly incidentId: string;
    readonly by: string;
    readonly now: number;
  }): readonly ApprovalRequest[];
  /** Pending requests, oldest first. */
  pending(): readonly ApprovalRequest[];
  pendingFor(input: { readonly incidentId: string; readonly action: string }): ApprovalRequest | undefined;
  get(id: string): ApprovalRequest | undefined;
  /** Loads stored requests (replacing ones with the same id). */
  restore(requests: readonly ApprovalRequest[]): void;
}

export function createApprovalQueue(): ApprovalQueue {
  const requests = new Map<string, ApprovalRequest>();

  const pendingFor = (incidentId: string, action: string) => {
    const normalized = normalizeActionName(action);
    for (const request of requests.values()) {
      if (
        request.status === 'pending' &&
        request.incidentId === incidentId &&
        normalizeActionName(request.action) === normalized
      ) {
        return request;
      }
    }
    return undefined;
  };

  const decide = (
    verb: 'approve' | 'reject',
    input: { readonly id: string; readonly by: string; readonly now: number },
  ): ApprovalRequest => {
    const existing = requests.get(input.id);
    if (!existing) throw new MonitorError('approval', `no approval request with id "${input.id}"`);
    if (input.by.trim() === '') {
      throw new MonitorError(
        'approval',
        `cannot ${verb} approval request "${input.id}" without the name of the person deciding`,
      );
    }
    if (existing.status !== 'pending') {
      throw new MonitorError(
        'approval',
        `cannot ${verb} approval request "${input.id}" (${existing.action} on ${existing.containerName}): ` +
          `it was already ${existing.status} by ${existing.decidedBy ?? 'someone'}; only a pending request can be decided`,
      );
    }
    const decided: ApprovalRequest = {
      ...existing,
      status: verb === 'approve' ? 'approved' : 'rejected',
      decidedAt: input.now,
      decidedBy: input.by,
    };
    requests.set(decided.id, decided);
    return decided;
  };

  return {
    request({ id, incident, action, reason, now, params }) {
      const waiting = pendingFor(incident.id, action);
      if (waiting) return { request: waiting, created: false };
      if (requests.has(id)) {
        throw new MonitorError('usage', `approval request id "${id}" is already taken by another request`);
      }
      const created: ApprovalRequest = {
        id,
        host: incident.host,
        incidentId: incident.id,
        containerId: incident.containerId,
        containerName: incident.containerName,
        action: normalizeActionName(action),
        reason,
        status: 'pending',
        requestedAt: now,
        decidedAt: null,
        decidedBy: null,
        ...(params === undefined || Object.keys(params).length === 0 ? {} : { params: { ...params } }),
      };
      requests.set(id, created);
      return { request: created, created: true };
    },
    approve(input) {
      return decide('approve', input);
    },
    reject(input) {
      return decide('reject', input);
    },
    withdrawForIncident({ incidentId, by, now }) {
      const withdrawn: ApprovalRequest[] = [];
      for (const request of requests.values()) {
        if (request.status === 'pending' && request.incidentId === incidentId) {
          withdrawn.push(decide('reject', { id: request.id, by, now }));
        }
      }
      return withdrawn;
    },
    pending() {
      return [...requests.values()]
        .filter((request) => request.status === 'pending')
        .sort((a, b) => a.requestedAt - b.requestedAt);
    },
    pendingFor({ incidentId, action }) {
      return pendingFor(incidentId, action);
    },
    get(id) {
      return requests.get(id);
    },
    restore(stored) {
      for (const request of stored) requests.set(request.id, request);
    },
  };
}

/** The settings of a step worth keeping with an approval request; undefined for a bare step. */
export function approvalParamsOf(step: StrategyStep): ApprovalStepParams | undefined {
  const params: {
    thresholdPercent?: number;
    script?: string;
    timeoutSeconds?: number;
    maxAttempts?: number;
    backoffSeconds?: number;
  } = {};
  if (step.thresholdPercent !== undefined) params.thresholdPercent = step.thresholdPercent;
  if (step.script !== undefined) params.script = step.script;
  if (step.timeoutSeconds !== undefined) params.timeoutSeconds = step.timeoutSeconds;
  if (step.maxAttempts !== undefined) params.maxAttempts = step.maxAttempts;
  if (step.backoffSeconds !== undefined) params.backoffSeconds = step.backoffSeconds;
  return Object.keys(params).length === 0 ? undefined : params;
}

/**
 * The step an approved request runs: its action with the settings it was queued with, never the
 * action's defaults (an approved `custom_script` without its script would run nothing, and a
 * threshold of 95 % must not become the default 90 %).
 */
export function approvedStep(approval: ApprovalRequest): StrategyStep {
  const params = approval.params;
  return {
    action: approval.action,
    thresholdPercent: params?.thresholdPercent,
    script: params?.script,
    timeoutSeconds: params?.timeoutSeconds,
    maxAttempts: params?.maxAttempts,
    backoffSeconds: params?.backoffSeconds,
  };
}
