import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../domain/diagnosis.js';
import type { Incident, IncidentStatus } from '../domain/incident.js';
import { MonitorError } from '../errors/monitor-error.js';
import { makeVerdict } from '../heal/built-in/healing-context-fixture.test-helper.js';
import {
  canTransition,
  escalateIncident,
  incidentTransitions,
  maxIncidentHistory,
  maxIncidentProblems,
  mergeProblemLists,
  mergeProblems,
  openIncident,
  reopenIncident,
  resolveIncident,
  transitionIncident,
  withAction,
  withDiagnosis,
} from './incident-lifecycle.js';
import { IncidentTransitionError } from './incident-transition-error.js';

const oomVerdict = makeVerdict({
  containerId: 'abc',
  containerName: 'worker',
  problems: [
    { kind: 'oom_killed', message: 'worker was killed by the kernel (out of memory)' },
    { kind: 'container_stopped', message: 'worker exited with code 137' },
  ],
  metrics: { state: 'exited', exitCode: 137, oomKilled: true },
});

const opened = () => openIncident({ id: 'i-1', host: 'host-a', verdict: oomVerdict, now: 1_000 });

const diagnosis: Diagnosis = {
  diagnosis: 'Out of memory',
  recommendedAction: 'restart_container',
  urgency: 'high',
  confidence: 90,
  reasoning: 'OOMKilled with exit 137',
  source: 'rules',
};

describe('openIncident', () => {
  it('takes the trigger from the first problem and exit facts from the metrics', () => {
    expect(opened()).toEqual({
      id: 'i-1',
      host: 'host-a',
      containerId: 'abc',
      containerName: 'worker',
      trigger: 'oom_killed',
      problems: oomVerdict.problems,
      status: 'open',
      openedAt: 1_000,
      updatedAt: 1_000,
      resolvedAt: null,
      exitCode: 137,
      oomKilled: true,
      diagnosis: null,
      actionsTaken: [],
      autoHealed: false,
      escalationReason: null,
    });
  });

  it('refuses a verdict without a problem', () => {
    expect(() =>
      openIncident({ id: 'i', host: 'h', verdict: makeVerdict({ problems: [] }), now: 0 }),
    ).toThrow('its verdict has no problem');
  });
});

describe('transitionIncident', () => {
  const statuses = Object.keys(incidentTransitions) as IncidentStatus[];

  it('walks the main path and records when it ended', () => {
    let incident = opened();
    incident = transitionIncident(incident, { to: 'diagnosing', now: 2_000 });
    incident = transitionIncident(incident, { to: 'healing', now: 3_000 });
    incident = resolveIncident(incident, { now: 4_000, autoHealed: true });
    expect(incident).toMatchObject({
      status: 'resolved',
      updatedAt: 4_000,
      resolvedAt: 4_000,
      autoHealed: true,
    });
  });

  it('allows exactly the documented edges', () => {
    const allowed = statuses.flatMap((from) =>
      statuses.filter((to) => canTransition(from, to)).map((to) => `${from}>${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'open>diagnosing',
        'open>resolved',
        'open>escalated',
        'diagnosing>healing',
        'diagnosing>awaiting_approval',
        'diagnosing>resolved',
        'diagnosing>escalated',
        'healing>awaiting_approval',
        'healing>resolved',
        'healing>escalated',
        'awaiting_approval>healing',
        'awaiting_approval>resolved',
        'awaiting_approval>escalated',
        'escalated>healing',
        'escalated>resolved',
      ].sort(),
    );
  });

  it('throws on every other edge, naming where it could go', () => {
    for (const from of statuses) {
      for (const to of statuses.filter((status) => !canTransition(from, status))) {
        const incident = { ...opened(), status: from };
        expect(() => transitionIncident(incident, { to, now: 5 })).toThrow(IncidentTransitionError);
      }
    }
    const resolved = resolveIncident(transitionIncident(opened(), { to: 'diagnosing', now: 2 }), {
      now: 3,
      autoHealed: false,
    });
    expect(() => transitionIncident(resolved, { to: 'healing', now: 4 })).toThrow(
      'incident i-1 cannot go from resolved to healing; from resolved it can go to nothing (final)',
    );
    expect(() => transitionIncident(opened(), { to: 'healing', now: 4 })).toThrow(
      'incident i-1 cannot go from open to healing; from open it can go to diagnosing, resolved',
    );
    expect(MonitorError.isInstance(new IncidentTransitionError('i', 'open', 'healing', []))).toBe(true);
  });

  it('keeps the reason when a person has to act, and resolves an escalated incident that recovered later', () => {
    const diagnosing = transitionIncident(opened(), { to: 'diagnosing', now: 2 });
    const waiting = transitionIncident(diagnosing, {
      to: 'awaiting_approval',
      now: 3,
      reason: 'database_migration needs approval',
    });
    expect(waiting.escalationReason).toBe('database_migration needs approval');

    const escalated = escalateIncident(diagnosing, { reason: 'restart budget used up (3/hour)', now: 4 });
    expect(escalated).toMatchObject({
      status: 'escalated',
      escalationReason: 'restart budget used up (3/hour)',
    });

    const recovered = resolveIncident(escalated, { now: 9, autoHealed: false });
    expect(recovered).toMatchObject({ status: 'resolved', resolvedAt: 9, autoHealed: false });
    expect(recovered.escalationReason).toBe('restart budget used up (3/hour)');
  });

  it('moves between healing and awaiting approval both ways', () => {
    const healing = transitionIncident(transitionIncident(opened(), { to: 'diagnosing', now: 2 }), {
      to: 'healing',
      now: 3,
    });
    const waiting = transitionIncident(healing, { to: 'awaiting_approval', now: 4 });
    expect(transitionIncident(waiting, { to: 'healing', now: 5 }).status).toBe('healing');
  });

  it('does not change the incident it was given', () => {
    const incident = opened();
    transitionIncident(incident, { to: 'diagnosing', now: 2 });
    expect(incident.status).toBe('open');
  });
});

describe('withDiagnosis and withAction', () => {
  it('store the diagnosis and append canonical action names in order', () => {
    let incident = transitionIncident(opened(), { to: 'diagnosing', now: 2 });
    incident = withDiagnosis(incident, diagnosis, 3);
    incident = withAction(incident, 'container_restart', 4);
    incident = withAction(incident, 'restart_container', 5);
    expect(incident).toMatchObject({
      diagnosis,
      actionsTaken: ['restart_container', 'restart_container'],
      updatedAt: 5,
    });
  });

  it('refuse to add to a resolved incident', () => {
    const resolved = resolveIncident(transitionIncident(opened(), { to: 'diagnosing', now: 2 }), {
      now: 3,
      autoHealed: false,
    });
    expect(() => withAction(resolved, 'clear_cache', 4)).toThrow('incident i-1 is resolved');
    expect(() => withDiagnosis(resolved, diagnosis, 4)).toThrow(MonitorError);
  });
});

describe('mergeProblems', () => {
  it('adds new kinds, updates the message of a known kind and keeps first-seen order', () => {
    const merged = mergeProblems(
      opened(),
      [
        { kind: 'container_stopped', message: 'worker exited with code 137 again' },
        { kind: 'crash_loop', message: 'worker restarted 3 times in an hour' },
      ],
      7,
    );
    expect(merged.problems).toEqual([
      { kind: 'oom_killed', message: 'worker was killed by the kernel (out of memory)' },
      { kind: 'container_stopped', message: 'worker exited with code 137 again' },
      { kind: 'crash_loop', message: 'worker restarted 3 times in an hour' },
    ]);
    expect(merged.updatedAt).toBe(7);
    expect(merged.trigger).toBe('oom_killed');
  });

  it('returns the same incident when nothing new was found', () => {
    const incident = opened();
    expect(mergeProblems(incident, [...oomVerdict.problems], 9)).toBe(incident);
  });

  it('tells custom errors apart by message and caps the list', () => {
    const custom = Array.from({ length: 50 }, (_, index) => ({
      kind: 'custom_error' as const,
      message: `check ${index}`,
    }));
    const merged = mergeProblemLists([], [...custom, custom[0]!]);
    expect(merged).toHaveLength(maxIncidentProblems);
    expect(merged[0]).toEqual({ kind: 'custom_error', message: 'check 0' });
    expect(mergeProblemLists([], custom.slice(0, 3))).toHaveLength(3);
  });
});

describe('diagnosis history and reopening', () => {
  const base = (): Incident =>
    openIncident({
      id: 'i-9',
      host: 'h',
      now: 1_000,
      verdict: makeVerdict({
        containerName: 'api',
        problems: [{ kind: 'container_stopped', message: 'exited with code 1' }],
      }),
    });
  const first: Diagnosis = {
    diagnosis: 'api crashed with exit code 1',
    cause: 'crash',
    recommendedAction: 'restart_container',
    urgency: 'high',
    confidence: 60,
    reasoning: 'exit code only',
    source: 'rules',
  };
  const refined: Diagnosis = {
    ...first,
    diagnosis: 'api cannot start: port 8080 is already in use',
    cause: 'port_in_use',
    recommendedAction: 'manual',
  };

  it('keeps the first diagnosis in the history when a refined one replaces it', () => {
    const diagnosed = withDiagnosis(
      transitionIncident(base(), { to: 'diagnosing', now: 1_001 }),
      first,
      1_002,
    );
    const again = withDiagnosis(diagnosed, refined, 1_500);
    expect(again.diagnosis).toEqual(refined);
    expect(again.history?.map((entry) => entry.kind === 'diagnosed' && entry.diagnosis.cause)).toEqual([
      'crash',
      'port_in_use',
    ]);
  });

  it('reopens a resolved incident with the new problem, counting the reopenings', () => {
    const resolved = resolveIncident(
      withDiagnosis(transitionIncident(base(), { to: 'diagnosing', now: 2_000 }), first, 2_000),
      {
        now: 3_000,
        autoHealed: true,
      },
    );
    const reopened = reopenIncident(resolved, {
      problems: [{ kind: 'container_stopped', message: 'exited with code 3' }],
      now: 6_000,
    });
    expect(reopened).toMatchObject({ status: 'open', resolvedAt: null, autoHealed: false, reopenCount: 1 });
    expect(reopened.diagnosis).toEqual(first);
    expect(reopened.problems).toEqual([{ kind: 'container_stopped', message: 'exited with code 3' }]);
    expect(reopened.history?.at(-1)).toEqual({
      at: 6_000,
      kind: 'reopened',
      resolvedAt: 3_000,
      problem: 'exited with code 3',
    });
    expect(() => reopenIncident(base(), { problems: [], now: 7_000 })).toThrow(IncidentTransitionError);
  });

  it('bounds the history, keeping how it started and the newest entries', () => {
    let incident = transitionIncident(base(), { to: 'diagnosing', now: 1_001 });
    for (let index = 0; index < maxIncidentHistory + 25; index++) {
      incident = withDiagnosis(incident, { ...first, confidence: index }, 2_000 + index);
    }
    expect(incident.history).toHaveLength(maxIncidentHistory);
    const confidences = incident.history!.map((entry) =>
      entry.kind === 'diagnosed' ? entry.diagnosis.confidence : -1,
    );
    expect(confidences.slice(0, 2)).toEqual([0, 1]);
    expect(confidences.at(-1)).toBe(maxIncidentHistory + 24);
  });
});
