import { describe, expect, it } from 'vitest';
import type { Incident } from '../domain/incident.js';
import { MonitorError } from '../errors/monitor-error.js';
import { bareStep } from '../heal/plan-healing.js';
import { approvalParamsOf, approvedStep, createApprovalQueue } from './approval-queue.js';

const t0 = Date.UTC(2026, 0, 1, 12);

function incident(id: string, containerName = 'web'): Incident {
  return {
    id,
    host: 'host-1',
    containerId: `${containerName}-id`,
    containerName,
    trigger: 'http_failed',
    problems: [{ kind: 'http_failed', message: 'HTTP 500 from http://127.0.0.1:8080/health' }],
    status: 'awaiting_approval',
    openedAt: t0,
    updatedAt: t0,
    resolvedAt: null,
    exitCode: null,
    oomKilled: false,
    diagnosis: null,
    actionsTaken: [],
    autoHealed: false,
    escalationReason: null,
  };
}

function thrown(run: () => unknown): MonitorError {
  try {
    run();
  } catch (error) {
    if (MonitorError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a MonitorError');
}

describe('createApprovalQueue', () => {
  it('creates a pending request from the incident', () => {
    const queue = createApprovalQueue();
    const { request, created } = queue.request({
      id: 'a1',
      incident: incident('i1'),
      action: 'database_migration',
      reason: 'the diagnosis says the schema is behind',
      now: t0,
    });
    expect(created).toBe(true);
    expect(request).toEqual({
      id: 'a1',
      host: 'host-1',
      incidentId: 'i1',
      containerId: 'web-id',
      containerName: 'web',
      action: 'database_migration',
      reason: 'the diagnosis says the schema is behind',
      status: 'pending',
      requestedAt: t0,
      decidedAt: null,
      decidedBy: null,
    });
    expect(queue.get('a1')).toEqual(request);
    expect(queue.pending()).toEqual([request]);
  });

  it('keeps one pending request per incident and action (aliases included)', () => {
    const queue = createApprovalQueue();
    const first = queue.request({
      id: 'a1',
      incident: incident('i1'),
      action: 'container_restart',
      reason: 'r',
      now: t0,
    });
    const again = queue.request({
      id: 'a2',
      incident: incident('i1'),
      action: 'restart_container',
      reason: 'r',
      now: t0 + 5,
    });
    expect(first.request.action).toBe('restart_container');
    expect(again).toEqual({ request: first.request, created: false });
    expect(queue.get('a2')).toBeUndefined();
    // Another action, or another incident, is a new request.
    expect(
      queue.request({ id: 'a3', incident: incident('i1'), action: 'clear_cache', reason: 'r', now: t0 })
        .created,
    ).toBe(true);
    expect(
      queue.request({ id: 'a4', incident: incident('i2'), action: 'restart_container', reason: 'r', now: t0 })
        .created,
    ).toBe(true);
    expect(queue.pending()).toHaveLength(3);
    expect(queue.pendingFor({ incidentId: 'i1', action: 'container_restart' })?.id).toBe('a1');
  });

  it('approves: returns the updated request and takes it off the pending list', () => {
    const queue = createApprovalQueue();
    queue.request({ id: 'a1', incident: incident('i1'), action: 'restart_container', reason: 'r', now: t0 });
    const approved = queue.approve({ id: 'a1', by: 'alice', now: t0 + 60_000 });
    expect(approved).toMatchObject({
      id: 'a1',
      status: 'approved',
      decidedBy: 'alice',
      decidedAt: t0 + 60_000,
    });
    expect(queue.get('a1')).toEqual(approved);
    expect(queue.pending()).toEqual([]);
  });

  it('rejects the same way', () => {
    const queue = createApprovalQueue();
    queue.request({ id: 'a1', incident: incident('i1'), action: 'restart_container', reason: 'r', now: t0 });
    expect(queue.reject({ id: 'a1', by: 'bob', now: t0 + 1 })).toMatchObject({
      status: 'rejected',
      decidedBy: 'bob',
    });
  });

  it('asks again after a decision: a new request, not the decided one', () => {
    const queue = createApprovalQueue();
    queue.request({ id: 'a1', incident: incident('i1'), action: 'restart_container', reason: 'r', now: t0 });
    queue.reject({ id: 'a1', by: 'bob', now: t0 + 1 });
    const next = queue.request({
      id: 'a2',
      incident: incident('i1'),
      action: 'restart_container',
      reason: 'r',
      now: t0 + 2,
    });
    expect(next.created).toBe(true);
    expect(next.request.id).toBe('a2');
  });

  it('refuses to decide a request that is not pending, with a clear one-line message', () => {
    const queue = createApprovalQueue();
    queue.request({ id: 'a1', incident: incident('i1'), action: 'restart_container', reason: 'r', now: t0 });
    queue.approve({ id: 'a1', by: 'alice', now: t0 + 1 });
    const error = thrown(() => queue.approve({ id: 'a1', by: 'bob', now: t0 + 2 }));
    expect(error.code).toBe('approval');
    expect(error.message).toBe(
      'cannot approve approval request "a1" (restart_container on web): it was already approved by alice; only a pending request can be decided',
    );
    expect(thrown(() => queue.reject({ id: 'a1', by: 'bob', now: t0 + 2 })).message).toContain(
      'already approved by alice',
    );
    expect(queue.get('a1')?.decidedBy).toBe('alice');
  });

  it('refuses an unknown id', () => {
    const queue = createApprovalQueue();
    const error = thrown(() => queue.approve({ id: 'nope', by: 'alice', now: t0 }));
    expect(error.code).toBe('approval');
    expect(error.message).toBe('no approval request with id "nope"');
  });

  it('refuses a decision without a name', () => {
    const queue = createApprovalQueue();
    queue.request({ id: 'a1', incident: incident('i1'), action: 'restart_container', reason: 'r', now: t0 });
    expect(thrown(() => queue.approve({ id: 'a1', by: '  ', now: t0 })).code).toBe('approval');
    expect(queue.get('a1')?.status).toBe('pending');
  });

  it('refuses to reuse an id for a different request', () => {
    const queue = createApprovalQueue();
    queue.request({ id: 'a1', incident: incident('i1'), action: 'restart_container', reason: 'r', now: t0 });
    expect(
      thrown(() =>
        queue.request({ id: 'a1', incident: incident('i2'), action: 'clear_cache', reason: 'r', now: t0 }),
      ).code,
    ).toBe('usage');
  });

  it('withdraws the pending requests of a resolved incident', () => {
    const queue = createApprovalQueue();
    queue.request({ id: 'a1', incident: incident('i1'), action: 'restart_container', reason: 'r', now: t0 });
    queue.request({ id: 'a2', incident: incident('i1'), action: 'clear_cache', reason: 'r', now: t0 });
    queue.request({ id: 'a3', incident: incident('i2'), action: 'clear_cache', reason: 'r', now: t0 });
    const withdrawn = queue.withdrawForIncident({
      incidentId: 'i1',
      by: 'website-monitor: incident resolved',
      now: t0 + 9,
    });
    expect(withdrawn.map((request) => [request.id, request.status, request.decidedBy])).toEqual([
      ['a1', 'rejected', 'website-monitor: incident resolved'],
      ['a2', 'rejected', 'website-monitor: incident resolved'],
    ]);
    expect(queue.pending().map((request) => request.id)).toEqual(['a3']);
  });

  it('lists pending requests oldest first', () => {
    const queue = createApprovalQueue();
    queue.request({ id: 'late', incident: incident('i1'), action: 'clear_cache', reason: 'r', now: t0 + 10 });
    queue.request({ id: 'early', incident: incident('i2'), action: 'clear_cache', reason: 'r', now: t0 });
    expect(queue.pending().map((request) => request.id)).toEqual(['early', 'late']);
  });

  it('restores stored requests, pending and decided', () => {
    const queue = createApprovalQueue();
    const source = createApprovalQueue();
    const pending = source.request({
      id: 'a1',
      incident: incident('i1'),
      action: 'clear_cache',
      reason: 'r',
      now: t0,
    }).request;
    source.request({ id: 'a2', incident: incident('i2'), action: 'clear_cache', reason: 'r', now: t0 });
    const decided = source.approve({ id: 'a2', by: 'alice', now: t0 + 1 });
    queue.restore([pending, decided]);
    expect(queue.pending()).toEqual([pending]);
    expect(
      queue.request({ id: 'a9', incident: incident('i1'), action: 'clear_cache', reason: 'r', now: t0 })
        .created,
    ).toBe(false);
    expect(thrown(() => queue.approve({ id: 'a2', by: 'bob', now: t0 + 2 })).code).toBe('approval');
    expect(queue.approve({ id: 'a1', by: 'bob', now: t0 + 2 }).status).toBe('approved');
  });
});

describe('approval requests keep the step they were asked for', () => {
  const scriptStep = {
    action: 'custom_script',
    script: '/opt/heal/clear-locks.sh',
    timeoutSeconds: 45,
    maxAttempts: 2,
    backoffSeconds: undefined,
    thresholdPercent: undefined,
  } as const;

  it('stores only the settings the step had, and gives the same step back once approved', () => {
    const queue = createApprovalQueue();
    const params = approvalParamsOf(scriptStep);
    expect(params).toEqual({ script: '/opt/heal/clear-locks.sh', timeoutSeconds: 45, maxAttempts: 2 });
    const { request } = queue.request({
      id: 'a1',
      incident: incident('i1'),
      action: 'custom_script',
      reason: 'locks held',
      now: t0,
      ...(params ? { params } : {}),
    });
    expect(request.params).toEqual(params);
    const approved = queue.approve({ id: 'a1', by: 'alice', now: t0 + 1 });
    expect(approvedStep(approved)).toEqual(scriptStep);
  });

  it('restores a stored request with its settings', () => {
    const queue = createApprovalQueue();
    queue.restore([
      {
        id: 'a2',
        host: 'host-1',
        incidentId: 'i2',
        containerId: 'web-id',
        containerName: 'web',
        action: 'restart_if_above_threshold',
        reason: 'memory high',
        status: 'pending',
        requestedAt: t0,
        decidedAt: null,
        decidedBy: null,
        params: { thresholdPercent: 97.5 },
      },
    ]);
    expect(approvedStep(queue.approve({ id: 'a2', by: 'bob', now: t0 + 1 }))).toMatchObject({
      action: 'restart_if_above_threshold',
      thresholdPercent: 97.5,
    });
  });

  it('a bare step has no params, and its approved step is bare again', () => {
    expect(approvalParamsOf(bareStep('restart_container'))).toBeUndefined();
    const queue = createApprovalQueue();
    const { request } = queue.request({
      id: 'a3',
      incident: incident('i3'),
      action: 'restart_container',
      reason: 'down',
      now: t0,
    });
    expect(request).not.toHaveProperty('params');
    expect(approvedStep(request)).toEqual(bareStep('restart_container'));
  });
});
