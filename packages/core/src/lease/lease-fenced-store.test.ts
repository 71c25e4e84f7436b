import { describe, expect, it } from 'vitest';
import type { Incident } from '../domain/incident.js';
import { MonitorError } from '../errors/monitor-error.js';
import { MemoryStore } from '../testing/memory-store.js';
import { leaseFencedStore } from './lease-fenced-store.js';

const t0 = Date.UTC(2026, 0, 1);

function incident(id: string, status: Incident['status'] = 'open'): Incident {
  return {
    id,
    host: 'edge-1',
    containerId: 'web-id',
    containerName: 'web',
    trigger: 'container_stopped',
    problems: [{ kind: 'container_stopped', message: 'exited with code 1' }],
    status,
    openedAt: t0,
    updatedAt: t0,
    resolvedAt: null,
    exitCode: 1,
    oomKilled: false,
    diagnosis: null,
    actionsTaken: [],
    autoHealed: false,
    escalationReason: null,
  };
}

function fenced() {
  const store = new MemoryStore();
  let held = true;
  const agentStore = leaseFencedStore({
    store,
    mayWrite: () => held,
    refusal: () => 'this agent lost the engine lease to pid 202 on edge-2',
  });
  return { store, agentStore, lose: () => (held = false) };
}

describe('leaseFencedStore', () => {
  it('writes go through while the lease is held', async () => {
    const { store, agentStore } = fenced();
    await agentStore.saveIncident({ incident: incident('i-1') });
    expect((await store.listIncidents({})).map((stored) => stored.id)).toEqual(['i-1']);
  });

  it('once the lease is lost, no write lands: a stale update does not overwrite the new holder’s record', async () => {
    const { store, agentStore, lose } = fenced();
    await agentStore.saveIncident({ incident: incident('i-1') });
    lose();
    // The new holder carries the incident on (escalated); the old holder's late view says open.
    await store.saveIncident({ incident: incident('i-1', 'escalated') });
    const refused = agentStore.saveIncident({ incident: incident('i-1', 'healing') });
    await expect(refused).rejects.toThrow(
      'saveIncident refused: this agent lost the engine lease to pid 202 on edge-2',
    );
    await refused.catch((error: unknown) => {
      expect(MonitorError.isInstance(error) && error.code).toBe('store');
    });
    await expect(agentStore.saveIncident({ incident: incident('i-2') })).rejects.toThrow(/refused/);
    await expect(agentStore.pruneHealthSamples({ before: t0 })).rejects.toThrow(/refused/);
    expect((await store.listIncidents({})).map((stored) => [stored.id, stored.status])).toEqual([
      ['i-1', 'escalated'],
    ]);
  });

  it('reads, and the store’s other methods, pass through whether or not the lease is held', async () => {
    const { agentStore, lose } = fenced();
    await agentStore.saveIncident({ incident: incident('i-1') });
    lose();
    expect((await agentStore.listIncidents({})).map((stored) => stored.id)).toEqual(['i-1']);
    expect(await agentStore.readEngineLease({ engineId: 'E' })).toBeUndefined();
  });
});
