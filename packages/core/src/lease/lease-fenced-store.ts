import { StoreError } from '../errors/monitor-error.js';
import type { Store } from '../ports/store.js';

/** What a store's method names begin with when they write: `save...`, `prune...`. */
const writingMethod = /^(save|prune)/;

/**
 * The store the agent records through, refusing every write (`save...`, `prune...`) unless
 * `mayWrite()` says the engine's lease is still held. An agent that lost its engine may still be
 * finishing work it started (a restart in flight, a check that opens an incident): its records
 * must not land beside the new holder's, which has read the open incidents and the spent restart
 * budget and carries on from them. A refused write fails like any store write (the recorder logs
 * it as `store_write_failed`); an action it leaves `pending` is closed by the new holder's restore
 * and still counts against the budget. Reads pass through. The check is made on every call.
 */
export function leaseFencedStore<S extends Store>(options: {
  readonly store: S;
  readonly mayWrite: () => boolean;
  /** Why writing is refused, for the error: e.g. `this agent lost the engine lease`. */
  readonly refusal: () => string;
}): S {
  const { store, mayWrite, refusal } = options;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (typeof property !== 'string' || !writingMethod.test(property)) return value.bind(target);
      return async (callOptions: unknown) => {
        if (!mayWrite()) throw new StoreError(`${property} refused: ${refusal()}`);
        return (value as (options: unknown) => Promise<unknown>).call(target, callOptions);
      };
    },
  });
}
