import { describe, expect, it } from 'vitest';
import type { EngineLeaseStore } from '../ports/engine-lease.js';
import { engineLeaseContract } from '../testing/engine-lease-contract.js';
import { MemoryStore } from '../testing/memory-store.js';

// One MemoryStore for the file: every test leases engines of its own, and two agents "meeting"
// in memory means sharing the one store, as two processes share one database.
const shared = new MemoryStore();
const leasesOf = (store: EngineLeaseStore): EngineLeaseStore => ({
  acquireEngineLease: (options) => store.acquireEngineLease(options),
  renewEngineLease: (options) => store.renewEngineLease(options),
  releaseEngineLease: (options) => store.releaseEngineLease(options),
  readEngineLease: (options) => store.readEngineLease(options),
});

engineLeaseContract({
  name: 'MemoryStore',
  makeLeases: async () => leasesOf(shared),
  test: { describe, it, expect },
});
