import { describe, expect, it } from 'vitest';
import { MemoryStore } from './memory-store.js';
import { storeContract } from './store-contract.js';

storeContract({ name: 'MemoryStore', makeStore: () => new MemoryStore(), test: { describe, it, expect } });
