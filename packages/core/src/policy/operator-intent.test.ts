import { describe, expect, it } from 'vitest';
import type { ContainerEvent, ContainerEventAction } from '../domain/container.js';
import { createOperatorIntentTracker, type EventCause } from './operator-intent.js';

const t0 = Date.UTC(2026, 0, 1, 12);
const id = 'c0ffee'.padEnd(64, '0');

function event(
  action: ContainerEventAction,
  time: number,
  extra: Partial<Pick<ContainerEvent, 'exitCode' | 'signal' | 'containerId'>> = {},
): ContainerEvent {
  return {
    action,
    containerId: extra.containerId ?? id,
    containerName: 'web',
    time,
    timeNano: BigInt(time) * 1_000_000n,
    labels: {},
    ...(extra.exitCode === undefined ? {} : { exitCode: extra.exitCode }),
    ...(extra.signal === undefined ? {} : { signal: extra.signal }),
  };
}

/** Feeds a sequence 10 ms apart and returns each classification. */
function feed(
  tracker: ReturnType<typeof createOperatorIntentTracker>,
  sequence: readonly [ContainerEventAction, { exitCode?: number; signal?: number }?][],
  start = t0,
): EventCause[] {
  return sequence.map(([action, extra], index) =>
    tracker.observe(event(action, start + index * 10, extra ?? {})),
  );
}

describe('createOperatorIntentTracker', () => {
  describe('a person', () => {
    it('docker stop = kill(15) -> die -> stop: an operator stop', () => {
      const tracker = createOperatorIntentTracker();
      const causes = feed(tracker, [['kill', { signal: 15 }], ['die', { exitCode: 0 }], ['stop']]);
      expect(causes).toEqual(['other', 'operator_stop', 'operator_stop']);
      expect(tracker.isOperatorStopped(id)).toBe(true);
      expect(tracker.operatorHold(id)).toBe('stopped');
    });

    it('docker stop past its timeout = kill(15) -> kill(9) -> die -> stop: an operator stop', () => {
      const tracker = createOperatorIntentTracker();
      const causes = feed(tracker, [
        ['kill', { signal: 15 }],
        ['kill', { signal: 9 }],
        ['die', { exitCode: 137 }],
        ['stop'],
      ]);
      expect(causes).toEqual(['other', 'other', 'operator_stop', 'operator_stop']);
      expect(tracker.isOperatorStopped(id)).toBe(true);
    });

    it('docker kill = kill(9) -> die: an operator stop', () => {
      const tracker = createOperatorIntentTracker();
      expect(
        feed(tracker, [
          ['kill', { signal: 9 }],
          ['die', { exitCode: 137 }],
        ]),
      ).toEqual(['other', 'operator_stop']);
      expect(tracker.isOperatorStopped(id)).toBe(true);
    });

    it('docker kill -s HUP without a die is only a signal', () => {
      const tracker = createOperatorIntentTracker();
      expect(feed(tracker, [['kill', { signal: 1 }]])).toEqual(['other']);
      expect(tracker.isOperatorStopped(id)).toBe(false);
    });

    it('a die long after a mere signal is a crash, not the old signal', () => {
      const tracker = createOperatorIntentTracker({ killToDieWindowMs: 60_000 });
      tracker.observe(event('kill', t0, { signal: 1 }));
      expect(tracker.observe(event('die', t0 + 60_001, { exitCode: 1 }))).toBe('crash');
      expect(tracker.isOperatorStopped(id)).toBe(false);
    });

    it('docker restart = kill -> die -> stop -> start -> restart: stopped, then started again', () => {
      const tracker = createOperatorIntentTracker();
      const causes = feed(tracker, [
        ['kill', { signal: 15 }],
        ['die', { exitCode: 0 }],
        ['stop'],
        ['start'],
        ['restart'],
      ]);
      expect(causes).toEqual(['other', 'operator_stop', 'operator_stop', 'operator_start', 'operator_start']);
      expect(tracker.isOperatorStopped(id)).toBe(false);
    });

    it('docker pause is an operator pause until an unpause', () => {
      const tracker = createOperatorIntentTracker();
      expect(feed(tracker, [['pause']])).toEqual(['operator_pause']);
      expect(tracker.isOperatorStopped(id)).toBe(true);
      expect(tracker.operatorHold(id)).toBe('paused');
      expect(tracker.observe(event('unpause', t0 + 1000))).toBe('operator_start');
      expect(tracker.isOperatorStopped(id)).toBe(false);
    });

    it('docker start after a person stopped it clears the mark', () => {
      const tracker = createOperatorIntentTracker();
      feed(tracker, [['kill', { signal: 15 }], ['die'], ['stop']]);
      expect(tracker.observe(event('start', t0 + 60_000))).toBe('operator_start');
      expect(tracker.isOperatorStopped(id)).toBe(false);
    });
  });

  describe('failures', () => {
    it('a die with no kill before it is a crash', () => {
      const tracker = createOperatorIntentTracker();
      expect(feed(tracker, [['die', { exitCode: 1 }]])).toEqual(['crash']);
      expect(tracker.isOperatorStopped(id)).toBe(false);
    });

    it('oom -> die is a crash', () => {
      const tracker = createOperatorIntentTracker();
      expect(feed(tracker, [['oom'], ['die', { exitCode: 137 }]])).toEqual(['other', 'crash']);
      expect(tracker.isOperatorStopped(id)).toBe(false);
    });

    it('an oom inside our own restart window is still a crash', () => {
      const tracker = createOperatorIntentTracker();
      tracker.expectOwnAction({ containerId: id, action: 'restart', until: t0 + 60_000 });
      expect(feed(tracker, [['oom'], ['die', { exitCode: 137 }]])).toEqual(['other', 'crash']);
    });

    it('an oom followed by a person stopping it is the person’s stop', () => {
      const tracker = createOperatorIntentTracker();
      expect(feed(tracker, [['oom'], ['kill', { signal: 15 }], ['die'], ['stop']])).toEqual([
        'other',
        'other',
        'operator_stop',
        'operator_stop',
      ]);
    });

    it('Docker’s restart policy after a crash (die -> start) is neither a person nor us', () => {
      const tracker = createOperatorIntentTracker();
      expect(feed(tracker, [['die', { exitCode: 1 }], ['start']])).toEqual(['crash', 'other']);
      expect(tracker.isOperatorStopped(id)).toBe(false);
    });

    it('a crash after a person’s stop-and-start is a crash again', () => {
      const tracker = createOperatorIntentTracker();
      feed(tracker, [['kill', { signal: 15 }], ['die'], ['stop'], ['start']]);
      expect(tracker.observe(event('die', t0 + 120_000, { exitCode: 2 }))).toBe('crash');
    });
  });

  describe('our own actions', () => {
    it('our restart (kill -> die -> stop -> start -> restart) is ours and marks nothing', () => {
      const tracker = createOperatorIntentTracker();
      tracker.expectOwnAction({ containerId: id, action: 'restart', until: t0 + 30_000 });
      const causes = feed(tracker, [
        ['kill', { signal: 15 }],
        ['die', { exitCode: 0 }],
        ['stop'],
        ['start'],
        ['restart'],
      ]);
      expect(causes).toEqual(['own', 'own', 'own', 'own', 'own']);
      expect(tracker.isOperatorStopped(id)).toBe(false);
    });

    it('the expectation ends at the event that completes our action', () => {
      const tracker = createOperatorIntentTracker();
      tracker.expectOwnAction({ containerId: id, action: 'restart', until: t0 + 30_000 });
      feed(tracker, [['kill'], ['die'], ['stop'], ['start'], ['restart']]);
      // Still inside `until`, but the restart is over: this die is a real crash.
      expect(tracker.observe(event('die', t0 + 1000, { exitCode: 1 }))).toBe('crash');
    });

    it('our stop ends at its stop event; our start at its start event', () => {
      const tracker = createOperatorIntentTracker();
      tracker.expectOwnAction({ containerId: id, action: 'stop', until: t0 + 30_000 });
      expect(feed(tracker, [['kill'], ['die'], ['stop']])).toEqual(['own', 'own', 'own']);
      expect(tracker.isOperatorStopped(id)).toBe(false);
      tracker.expectOwnAction({ containerId: id, action: 'start', until: t0 + 30_000 });
      expect(tracker.observe(event('start', t0 + 100))).toBe('own');
      expect(tracker.observe(event('die', t0 + 200, { exitCode: 1 }))).toBe('crash');
    });

    it('events after `until` are no longer ours', () => {
      const tracker = createOperatorIntentTracker();
      tracker.expectOwnAction({ containerId: id, action: 'restart', until: t0 + 100 });
      expect(tracker.observe(event('kill', t0 + 50))).toBe('own');
      expect(tracker.observe(event('kill', t0 + 200, { signal: 9 }))).toBe('other');
      expect(tracker.observe(event('die', t0 + 210))).toBe('operator_stop');
    });

    it('an expectation is per container', () => {
      const tracker = createOperatorIntentTracker();
      const other = 'beef'.padEnd(64, '0');
      tracker.expectOwnAction({ containerId: id, action: 'restart', until: t0 + 30_000 });
      expect(tracker.observe(event('die', t0 + 10, { containerId: other }))).toBe('crash');
    });

    it('clearOwnAction ends the expectation early', () => {
      const tracker = createOperatorIntentTracker();
      tracker.expectOwnAction({ containerId: id, action: 'restart', until: t0 + 30_000 });
      tracker.clearOwnAction({ containerId: id });
      expect(tracker.observe(event('die', t0 + 10, { exitCode: 1 }))).toBe('crash');
    });

    it('our start of a container a person stopped clears the mark (a person asked us to)', () => {
      const tracker = createOperatorIntentTracker();
      feed(tracker, [['kill', { signal: 15 }], ['die'], ['stop']]);
      tracker.expectOwnAction({ containerId: id, action: 'start', until: t0 + 90_000 });
      expect(tracker.observe(event('start', t0 + 60_000))).toBe('own');
      expect(tracker.isOperatorStopped(id)).toBe(false);
    });
  });

  it('treats health_status, create and exec noise as other', () => {
    const tracker = createOperatorIntentTracker();
    expect(feed(tracker, [['create'], ['health_status']])).toEqual(['other', 'other']);
  });

  it('forgets a destroyed container', () => {
    const tracker = createOperatorIntentTracker();
    feed(tracker, [['kill', { signal: 9 }], ['die']]);
    expect(tracker.isOperatorStopped(id)).toBe(true);
    expect(tracker.observe(event('destroy', t0 + 1000))).toBe('other');
    expect(tracker.isOperatorStopped(id)).toBe(false);
  });

  it('can be told about a hold from storage', () => {
    const tracker = createOperatorIntentTracker();
    tracker.markOperatorHold({ containerId: id, hold: 'paused' });
    expect(tracker.operatorHold(id)).toBe('paused');
    expect(tracker.observe(event('unpause', t0))).toBe('operator_start');
    expect(tracker.isOperatorStopped(id)).toBe(false);
  });
});
