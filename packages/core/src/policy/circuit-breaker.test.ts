import { describe, expect, it } from 'vitest';
import { createCircuitBreaker } from './circuit-breaker.js';

const t0 = Date.UTC(2026, 0, 1);

describe('createCircuitBreaker', () => {
  it('starts closed', () => {
    const breaker = createCircuitBreaker();
    expect(breaker.isOpen('web')).toBe(false);
    expect(breaker.get('web')).toBeUndefined();
    expect(breaker.openBreakers()).toEqual([]);
  });

  it('escalates once: only the trip that opens it says escalate', () => {
    const breaker = createCircuitBreaker();
    const first = breaker.trip({
      container: 'web',
      incidentId: 'i1',
      reason: 'restart budget spent',
      now: t0,
    });
    expect(first).toEqual({
      escalate: true,
      breaker: { container: 'web', incidentId: 'i1', reason: 'restart budget spent', openedAt: t0 },
    });
    const second = breaker.trip({
      container: 'web',
      incidentId: 'i1',
      reason: 'max attempts',
      now: t0 + 1000,
    });
    expect(second.escalate).toBe(false);
    // The first reason and time stay: that is what the person was told.
    expect(second.breaker).toEqual(first.breaker);
    expect(breaker.isOpen('web')).toBe(true);
  });

  it('keeps containers apart', () => {
    const breaker = createCircuitBreaker();
    breaker.trip({ container: 'web', incidentId: 'i1', reason: 'r', now: t0 });
    expect(breaker.isOpen('db')).toBe(false);
    expect(breaker.trip({ container: 'db', incidentId: 'i2', reason: 'r', now: t0 }).escalate).toBe(true);
  });

  it('closes when the incident it was opened for resolves', () => {
    const breaker = createCircuitBreaker();
    breaker.trip({ container: 'web', incidentId: 'i1', reason: 'r', now: t0 });
    expect(breaker.incidentResolved({ container: 'web', incidentId: 'i1' })).toBe(true);
    expect(breaker.isOpen('web')).toBe(false);
    // A later failure escalates again.
    expect(breaker.trip({ container: 'web', incidentId: 'i3', reason: 'r', now: t0 + 1 }).escalate).toBe(
      true,
    );
  });

  it('ignores the resolution of a different incident', () => {
    const breaker = createCircuitBreaker();
    breaker.trip({ container: 'web', incidentId: 'i2', reason: 'r', now: t0 });
    expect(breaker.incidentResolved({ container: 'web', incidentId: 'i1' })).toBe(false);
    expect(breaker.isOpen('web')).toBe(true);
  });

  it('closes on any resolution when it was tripped outside an incident', () => {
    const breaker = createCircuitBreaker();
    breaker.trip({ container: 'web', incidentId: null, reason: 'r', now: t0 });
    expect(breaker.incidentResolved({ container: 'web', incidentId: 'i9' })).toBe(true);
  });

  it('closes when a person resets it, and says whether it was open', () => {
    const breaker = createCircuitBreaker();
    breaker.trip({ container: 'web', incidentId: 'i1', reason: 'r', now: t0 });
    expect(breaker.reset({ container: 'web' })).toBe(true);
    expect(breaker.isOpen('web')).toBe(false);
    expect(breaker.reset({ container: 'web' })).toBe(false);
  });

  it('stays open however much time passes (the budget window freeing a slot does not close it)', () => {
    const breaker = createCircuitBreaker();
    breaker.trip({ container: 'web', incidentId: 'i1', reason: 'r', now: t0 });
    expect(
      breaker.trip({ container: 'web', incidentId: 'i1', reason: 'r', now: t0 + 48 * 3_600_000 }).escalate,
    ).toBe(false);
    expect(breaker.isOpen('web')).toBe(true);
  });

  it('lists open breakers oldest first', () => {
    const breaker = createCircuitBreaker();
    breaker.trip({ container: 'b', incidentId: 'i2', reason: 'r', now: t0 + 5 });
    breaker.trip({ container: 'a', incidentId: 'i1', reason: 'r', now: t0 });
    expect(breaker.openBreakers().map((open) => open.container)).toEqual(['a', 'b']);
  });

  it('restores open breakers without escalating again', () => {
    const breaker = createCircuitBreaker();
    breaker.restore([{ container: 'web', incidentId: 'i1', reason: 'restart budget spent', openedAt: t0 }]);
    expect(breaker.isOpen('web')).toBe(true);
    expect(breaker.trip({ container: 'web', incidentId: 'i1', reason: 'r', now: t0 + 1 }).escalate).toBe(
      false,
    );
  });
});
