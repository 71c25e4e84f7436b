import type { ContainerBaseline } from '../domain/baseline.js';
import type { ApprovalRequest, HealingActionRecord } from '../domain/healing-action.js';
import type { HealthSample } from '../domain/health.js';
import { type HealthSummaryQuery, summarizeHealthSamples } from '../domain/health-summary.js';
import type { HostReport } from '../domain/host-report.js';
import type { Incident } from '../domain/incident.js';
import type { Store } from '../ports/store.js';

/**
 * The part of a test framework the contract needs, typed by shape so this module imports none
 * (vitest's and jest's `describe`, `it` and `expect` fit).
 */
export interface StoreContractAssertion {
  toEqual(expected: unknown): void;
  toBe(expected: unknown): void;
  toHaveLength(length: number): void;
  readonly rejects: { toThrow(expected?: string | RegExp): Promise<void> };
}

/** The test framework functions the contract suites call: pass `{ describe, it, expect }`. */
export interface StoreContractTestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeout?: number): void;
  expect(actual: unknown): StoreContractAssertion;
}

/** How `storeContract` makes the store under test, and with which test framework. */
export interface StoreContractOptions {
  /** Shown in the suite's name: `Store contract: <name>`. */
  readonly name: string;
  /** A fresh, empty, ready-to-use store for each test (schema migrated); the suite closes it. */
  readonly makeStore: () => Promise<Store> | Store;
  readonly test: StoreContractTestApi;
  /** Per-test timeout in ms, for stores behind a network. */
  readonly timeoutMs?: number;
}

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const minute = 60_000;

/**
 * A valid incident for store tests (container `web`, opened at a fixed time); `overrides` replace fields.
 *
 * @example
 * ```ts
 * import { contractIncident } from '@website-monitor/core/testing';
 *
 * await store.saveIncident({ incident: contractIncident({ id: 'inc-2', status: 'resolved' }) });
 * ```
 */
export function contractIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1',
    host: 'host-a',
    containerId: 'c1',
    containerName: 'web',
    trigger: 'http_failed',
    problems: [{ kind: 'http_failed', message: 'HTTP 500 from http://127.0.0.1:8080/health' }],
    status: 'open',
    openedAt: t0,
    updatedAt: t0,
    resolvedAt: null,
    exitCode: null,
    oomKilled: false,
    diagnosis: null,
    actionsTaken: [],
    autoHealed: false,
    escalationReason: null,
    ...overrides,
  };
}

/**
 * A valid health sample for store tests; `overrides` replace fields.
 *
 * @example
 * ```ts
 * import { contractHealthSample } from '@website-monitor/core/testing';
 *
 * await store.saveHealthSamples({ samples: [contractHealthSample({ id: 's2', healthy: false })] });
 * ```
 */
export function contractHealthSample(overrides: Partial<HealthSample> = {}): HealthSample {
  return {
    id: 'sample-1',
    host: 'host-a',
    containerId: 'c1',
    containerName: 'web',
    checkedAt: t0,
    healthy: true,
    status: 'healthy',
    problems: [],
    metrics: {
      state: 'running',
      exitCode: null,
      oomKilled: false,
      dockerHealth: 'healthy',
      restartCount: 0,
      httpStatus: 200,
      responseTimeMs: 12.5,
      memoryBytes: 52_428_800,
      memoryLimitBytes: 536_870_912,
      memoryPercent: 9.765625,
      cpuPercent: 1.25,
    },
    ...overrides,
  };
}

/**
 * A valid healing action record for store tests; `overrides` replace fields.
 *
 * @example
 * ```ts
 * import { contractHealingAction } from '@website-monitor/core/testing';
 *
 * await store.saveHealingAction({ action: contractHealingAction({ result: 'failed' }) });
 * ```
 */
export function contractHealingAction(overrides: Partial<HealingActionRecord> = {}): HealingActionRecord {
  return {
    id: 'act-1',
    host: 'host-a',
    incidentId: 'inc-1',
    containerId: 'c1',
    containerName: 'web',
    action: 'restart_container',
    reason: 'HTTP check failed 3 times',
    decidedBy: 'rule',
    result: 'pending',
    startedAt: t0,
    durationMs: null,
    detail: null,
    error: null,
    ...overrides,
  };
}

/**
 * A valid pending approval request for store tests; `overrides` replace fields.
 *
 * @example
 * ```ts
 * import { contractApproval } from '@website-monitor/core/testing';
 *
 * await store.saveApproval({ approval: contractApproval({ status: 'approved', decidedBy: 'ops' }) });
 * ```
 */
export function contractApproval(overrides: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return {
    id: 'appr-1',
    host: 'host-a',
    incidentId: 'inc-1',
    containerId: 'c1',
    containerName: 'web',
    action: 'restart_container',
    reason: 'restart budget spent',
    status: 'pending',
    requestedAt: t0,
    decidedAt: null,
    decidedBy: null,
    ...overrides,
  };
}

/**
 * A valid learned baseline for store tests; `overrides` replace fields.
 *
 * @example
 * ```ts
 * import { contractBaseline } from '@website-monitor/core/testing';
 *
 * await store.saveBaselines({ baselines: [contractBaseline({ metric: 'cpu_percent', mean: 12 })] });
 * ```
 */
export function contractBaseline(overrides: Partial<ContainerBaseline> = {}): ContainerBaseline {
  return {
    host: 'host-a',
    containerName: 'web',
    image: 'registry.local/web:1.4.2',
    metric: 'response_time_ms',
    mean: 42.5,
    variance: 16.25,
    samples: 120,
    updatedAt: t0,
    ...overrides,
  };
}

const ids = (rows: readonly { readonly id: string }[]) => rows.map((row) => row.id);

/** The last `count` items (`slice(-0)` would be all of them). */
const lastOf = <T>(items: readonly T[], count: number): T[] => (count === 0 ? [] : items.slice(-count));

/**
 * Samples for the summary tests: two hosts, two containers, ~25 minutes, some unhealthy, some
 * without metrics. Values are multiples of 1/4 so every sum is exact whatever order a database
 * adds them in, and the stores' numbers can be compared with `toEqual`.
 */
export function contractSummarySamples(count = 90): HealthSample[] {
  const base = contractHealthSample();
  return Array.from({ length: count }, (_, i) => {
    const containerName = i % 3 === 2 ? 'db' : 'web';
    const stopped = i % 11 === 0;
    return contractHealthSample({
      id: `sum-${String(i).padStart(3, '0')}`,
      host: i % 5 === 4 ? 'host-b' : 'host-a',
      containerName,
      containerId: containerName === 'web' ? 'c1' : 'c2',
      checkedAt: t0 + i * 17_000 + (i % 7) * 10,
      healthy: i % 4 !== 0,
      status: i % 4 !== 0 ? 'healthy' : 'unhealthy',
      metrics: {
        ...base.metrics,
        responseTimeMs: stopped ? undefined : 10 + ((i * 37) % 400) + 0.5,
        cpuPercent: stopped ? undefined : ((i * 13) % 100) / 4,
        memoryPercent: i % 6 === 0 ? undefined : ((i * 7) % 90) + 0.25,
        memoryBytes: stopped ? undefined : 50_000_000 + i * 4096,
      },
    });
  });
}

/** Queries whose answers the summary tests compare with the same aggregation done in JS. */
const summaryQueries: readonly HealthSummaryQuery[] = [
  { host: 'host-a', containerName: 'web', since: t0 },
  { host: 'host-a', containerName: 'web', since: t0 + 5 * minute + 1_234, bucketMs: 5 * minute },
  { containerName: 'db', since: t0 - 60 * minute, bucketMs: minute },
  { host: 'host-b', containerName: 'web', since: t0, bucketMs: 60 * minute },
  { host: 'host-a', containerName: 'web', since: t0 + 24 * 60 * minute, bucketMs: minute },
  { host: 'host-a', containerName: 'nothing-here', since: t0, bucketMs: minute },
];

/**
 * One suite every Store implementation runs (memory, SQLite, PostgreSQL): the same inputs must
 * give the same answers. Call it at the top level of a test file. A store of your own passes it
 * too before the agent can rely on it.
 *
 * @example
 * ```ts
 * // my-store.contract.test.ts
 * import { storeContract } from '@website-monitor/core/testing';
 * import { describe, expect, it } from 'vitest';
 * import { createMyStore } from './my-store.js';
 *
 * storeContract({
 *   name: 'my store',
 *   makeStore: async () => await createMyStore({ url: process.env.MY_STORE_URL }),
 *   test: { describe, it, expect },
 * });
 * ```
 */
export function storeContract(options: StoreContractOptions): void {
  const { describe, it, expect } = options.test;

  function storeTest(name: string, body: (store: Store) => Promise<void>): void {
    it(
      name,
      async () => {
        const store = await options.makeStore();
        try {
          await body(store);
        } finally {
          await store.close();
        }
      },
      options.timeoutMs,
    );
  }

  describe(`Store contract: ${options.name}`, () => {
    describe('incidents', () => {
      storeTest('reads back exactly what was saved', async (store) => {
        const resolved = contractIncident({
          id: 'inc-full',
          status: 'resolved',
          trigger: 'oom_killed',
          problems: [
            { kind: 'oom_killed', message: 'killed by the kernel (out of memory)' },
            { kind: 'container_stopped', message: 'exited with code 137' },
          ],
          updatedAt: t0 + 90_000,
          resolvedAt: t0 + 90_000,
          exitCode: 137,
          oomKilled: true,
          diagnosis: {
            diagnosis: 'Memory leak in the worker',
            cause: 'memory_leak',
            recommendedAction: 'restart_container',
            urgency: 'high',
            confidence: 87.5,
            reasoning: 'RSS grew steadily before the kill; "quoted" text survives',
            source: 'model',
          },
          actionsTaken: ['restart_container', 'clear_cache'],
          autoHealed: true,
          reopenCount: 2,
          history: [
            {
              at: t0 + 1_000,
              kind: 'diagnosed',
              diagnosis: {
                diagnosis: 'worker crashed with exit code 137',
                cause: 'crash',
                recommendedAction: 'restart_container',
                urgency: 'high',
                confidence: 60,
                reasoning: 'exit code only',
                source: 'rules',
              },
            },
            { at: t0 + 60_000, kind: 'reopened', resolvedAt: t0 + 30_000, problem: 'exited with code 137' },
          ],
        });
        const open = contractIncident({ id: 'inc-open', openedAt: t0 + minute, updatedAt: t0 + minute });
        await store.saveIncident({ incident: resolved });
        await store.saveIncident({ incident: open });
        expect(await store.listIncidents({})).toEqual([open, resolved]);
      });

      storeTest('saving the same id twice keeps one incident, the latest', async (store) => {
        await store.saveIncident({ incident: contractIncident({ status: 'open' }) });
        const healed = contractIncident({
          status: 'resolved',
          updatedAt: t0 + 30_000,
          resolvedAt: t0 + 30_000,
          actionsTaken: ['restart_container'],
          autoHealed: true,
        });
        await store.saveIncident({ incident: healed });
        await store.saveIncident({ incident: healed });
        expect(await store.listIncidents({})).toEqual([healed]);
      });

      storeTest('lists newest first, and a limit keeps the newest', async (store) => {
        for (const [id, at] of [
          ['b', t0 + 2 * minute],
          ['a', t0],
          ['d', t0 + 4 * minute],
          ['c', t0 + 3 * minute],
        ] as const) {
          await store.saveIncident({ incident: contractIncident({ id, openedAt: at, updatedAt: at }) });
        }
        expect(ids(await store.listIncidents({}))).toEqual(['d', 'c', 'b', 'a']);
        expect(ids(await store.listIncidents({ limit: 2 }))).toEqual(['d', 'c']);
      });

      storeTest('filters by host, container, time opened and status', async (store) => {
        const rows = [
          contractIncident({ id: 'web-old', openedAt: t0, status: 'resolved' }),
          contractIncident({ id: 'web-new', openedAt: t0 + 10 * minute, status: 'healing' }),
          contractIncident({ id: 'db', containerName: 'db', containerId: 'c2', openedAt: t0 + 5 * minute }),
          contractIncident({
            id: 'other-host',
            host: 'host-b',
            openedAt: t0 + 7 * minute,
            status: 'escalated',
          }),
        ];
        for (const incident of rows) await store.saveIncident({ incident });
        expect(ids(await store.listIncidents({ host: 'host-a' }))).toEqual(['web-new', 'db', 'web-old']);
        expect(ids(await store.listIncidents({ host: 'host-b' }))).toEqual(['other-host']);
        expect(ids(await store.listIncidents({ containerName: 'web' }))).toEqual([
          'web-new',
          'other-host',
          'web-old',
        ]);
        expect(ids(await store.listIncidents({ host: 'host-a', containerName: 'web' }))).toEqual([
          'web-new',
          'web-old',
        ]);
        // `since` is inclusive.
        expect(ids(await store.listIncidents({ since: t0 + 5 * minute }))).toEqual([
          'web-new',
          'other-host',
          'db',
        ]);
        expect(ids(await store.listIncidents({ statuses: ['open', 'healing'] }))).toEqual(['web-new', 'db']);
        expect(
          ids(await store.listIncidents({ statuses: ['resolved', 'escalated'], host: 'host-a' })),
        ).toEqual(['web-old']);
        expect(await store.listIncidents({ statuses: [] })).toEqual([]);
        expect(await store.listIncidents({ containerName: 'nope' })).toEqual([]);
      });
    });

    describe('healing actions', () => {
      storeTest('reads back exactly what was saved; the same id twice keeps the latest', async (store) => {
        await store.saveHealingAction({ action: contractHealingAction() });
        const finished = contractHealingAction({
          result: 'failed',
          durationMs: 10_312,
          detail: 'restart requested',
          error: 'container did not come back: exited (1)',
        });
        await store.saveHealingAction({ action: finished });
        const byPerson = contractHealingAction({
          id: 'act-2',
          decidedBy: 'person',
          action: 'configuration_change',
          result: 'succeeded',
          startedAt: t0 + minute,
          durationMs: 0,
          detail: 'approved by alice',
        });
        await store.saveHealingAction({ action: byPerson });
        await store.saveHealingAction({ action: finished });
        expect(await store.listHealingActions({})).toEqual([finished, byPerson]);
      });

      storeTest('lists oldest first and filters by incident, container, host and time', async (store) => {
        const rows = [
          contractHealingAction({ id: 'third', startedAt: t0 + 3 * minute, incidentId: 'inc-2' }),
          contractHealingAction({ id: 'first', startedAt: t0 }),
          contractHealingAction({
            id: 'second',
            startedAt: t0 + minute,
            containerName: 'db',
            containerId: 'c2',
          }),
          contractHealingAction({ id: 'elsewhere', startedAt: t0 + 2 * minute, host: 'host-b' }),
        ];
        for (const action of rows) await store.saveHealingAction({ action });
        expect(ids(await store.listHealingActions({}))).toEqual(['first', 'second', 'elsewhere', 'third']);
        expect(ids(await store.listHealingActions({ incidentId: 'inc-1' }))).toEqual([
          'first',
          'second',
          'elsewhere',
        ]);
        expect(ids(await store.listHealingActions({ containerName: 'web' }))).toEqual([
          'first',
          'elsewhere',
          'third',
        ]);
        expect(ids(await store.listHealingActions({ host: 'host-a' }))).toEqual(['first', 'second', 'third']);
        expect(ids(await store.listHealingActions({ host: 'host-b', incidentId: 'inc-1' }))).toEqual([
          'elsewhere',
        ]);
        expect(ids(await store.listHealingActions({ since: t0 + minute }))).toEqual([
          'second',
          'elsewhere',
          'third',
        ]);
        expect(await store.listHealingActions({ incidentId: 'nope' })).toEqual([]);
      });
    });

    describe('health samples', () => {
      storeTest('reads back exactly what was saved, with and without optional metrics', async (store) => {
        const full = contractHealthSample({ id: 'full' });
        const down = contractHealthSample({
          id: 'down',
          checkedAt: t0 + 5_000,
          healthy: false,
          status: 'unhealthy',
          problems: [{ kind: 'container_stopped', message: 'exited with code 1' }],
          metrics: {
            state: 'exited',
            exitCode: 1,
            oomKilled: false,
            dockerHealth: 'none',
            restartCount: 3,
            httpStatus: undefined,
            responseTimeMs: undefined,
            memoryBytes: undefined,
            memoryLimitBytes: undefined,
            memoryPercent: undefined,
            cpuPercent: undefined,
          },
        });
        await store.saveHealthSamples({ samples: [full, down] });
        expect(await store.listHealthSamples({})).toEqual([full, down]);
      });

      storeTest(
        'the same id twice keeps one sample, the latest, within and across batches',
        async (store) => {
          const first = contractHealthSample({ id: 's1', healthy: true });
          const corrected = contractHealthSample({ id: 's1', healthy: false, status: 'unhealthy' });
          await store.saveHealthSamples({ samples: [first] });
          await store.saveHealthSamples({
            samples: [corrected, contractHealthSample({ id: 's2', checkedAt: t0 + 1 })],
          });
          const twiceInOneBatch = contractHealthSample({ id: 's3', checkedAt: t0 + 2 });
          await store.saveHealthSamples({
            samples: [contractHealthSample({ id: 's3', checkedAt: t0 + 2, healthy: false }), twiceInOneBatch],
          });
          const stored = await store.listHealthSamples({});
          expect(ids(stored)).toEqual(['s1', 's2', 's3']);
          expect(stored[0]).toEqual(corrected);
          expect(stored[2]).toEqual(twiceInOneBatch);
        },
      );

      storeTest('an empty batch is a no-op and a large batch is stored whole', async (store) => {
        await store.saveHealthSamples({ samples: [] });
        expect(await store.listHealthSamples({})).toEqual([]);
        const many = Array.from({ length: 2_345 }, (_, index) =>
          contractHealthSample({ id: `bulk-${String(index).padStart(5, '0')}`, checkedAt: t0 + index }),
        );
        await store.saveHealthSamples({ samples: many });
        const stored = await store.listHealthSamples({});
        expect(stored).toHaveLength(many.length);
        expect(stored[stored.length - 1]).toEqual(many[many.length - 1]);
      });

      storeTest('lists oldest first; a limit keeps the newest, still oldest first', async (store) => {
        await store.saveHealthSamples({
          samples: [
            contractHealthSample({ id: 'c', checkedAt: t0 + 3_000 }),
            contractHealthSample({ id: 'a', checkedAt: t0 + 1_000 }),
            contractHealthSample({ id: 'd', checkedAt: t0 + 4_000 }),
            contractHealthSample({ id: 'b', checkedAt: t0 + 2_000 }),
          ],
        });
        expect(ids(await store.listHealthSamples({}))).toEqual(['a', 'b', 'c', 'd']);
        expect(ids(await store.listHealthSamples({ limit: 2 }))).toEqual(['c', 'd']);
      });

      storeTest('filters by host, container and time', async (store) => {
        await store.saveHealthSamples({
          samples: [
            contractHealthSample({ id: 'web-1', checkedAt: t0 }),
            contractHealthSample({
              id: 'db-1',
              containerName: 'db',
              containerId: 'c2',
              checkedAt: t0 + 1_000,
            }),
            contractHealthSample({ id: 'web-2', checkedAt: t0 + 2_000 }),
            contractHealthSample({ id: 'b-web-1', host: 'host-b', checkedAt: t0 + 3_000 }),
          ],
        });
        expect(ids(await store.listHealthSamples({ host: 'host-a', containerName: 'web' }))).toEqual([
          'web-1',
          'web-2',
        ]);
        expect(ids(await store.listHealthSamples({ containerName: 'web' }))).toEqual([
          'web-1',
          'web-2',
          'b-web-1',
        ]);
        expect(ids(await store.listHealthSamples({ host: 'host-b' }))).toEqual(['b-web-1']);
        expect(ids(await store.listHealthSamples({ since: t0 + 1_000 }))).toEqual([
          'db-1',
          'web-2',
          'b-web-1',
        ]);
        expect(ids(await store.listHealthSamples({ containerName: 'web', since: t0 + 1, limit: 1 }))).toEqual(
          ['b-web-1'],
        );
      });
    });

    describe('approvals', () => {
      storeTest('reads back, keeps the latest per id, lists oldest first, filters', async (store) => {
        const first = contractApproval({ id: 'first', requestedAt: t0 });
        await store.saveApproval({ approval: contractApproval({ id: 'second', requestedAt: t0 + minute }) });
        await store.saveApproval({ approval: first });
        const approved = contractApproval({
          id: 'second',
          requestedAt: t0 + minute,
          status: 'approved',
          decidedAt: t0 + 2 * minute,
          decidedBy: 'alice',
        });
        await store.saveApproval({ approval: approved });
        const elsewhere = contractApproval({ id: 'elsewhere', host: 'host-b', requestedAt: t0 + 3 * minute });
        await store.saveApproval({ approval: elsewhere });

        expect(await store.listApprovals({})).toEqual([first, approved, elsewhere]);
        expect(ids(await store.listApprovals({ statuses: ['pending'] }))).toEqual(['first', 'elsewhere']);
        expect(ids(await store.listApprovals({ statuses: ['pending'], host: 'host-a' }))).toEqual(['first']);
        expect(ids(await store.listApprovals({ statuses: ['approved', 'rejected'] }))).toEqual(['second']);
        expect(ids(await store.listApprovals({ host: 'host-b' }))).toEqual(['elsewhere']);
        expect(await store.listApprovals({ statuses: [] })).toEqual([]);
      });

      storeTest('keeps the step settings of a request exactly, and none for a bare step', async (store) => {
        const script = contractApproval({
          id: 'script',
          action: 'custom_script',
          params: {
            script: '/opt/heal/clear-locks.sh',
            timeoutSeconds: 45,
            maxAttempts: 2,
            backoffSeconds: 30,
          },
        });
        const threshold = contractApproval({
          id: 'threshold',
          action: 'restart_if_above_threshold',
          requestedAt: t0 + minute,
          params: { thresholdPercent: 97.5 },
        });
        const bare = contractApproval({ id: 'bare', requestedAt: t0 + 2 * minute });
        for (const approval of [script, threshold, bare]) await store.saveApproval({ approval });
        await store.saveApproval({
          approval: { ...threshold, status: 'approved', decidedAt: t0 + 3 * minute, decidedBy: 'alice' },
        });

        const [readScript, readThreshold, readBare] = await store.listApprovals({});
        expect(readScript).toEqual(script);
        expect(readThreshold).toEqual({
          ...threshold,
          status: 'approved',
          decidedAt: t0 + 3 * minute,
          decidedBy: 'alice',
        });
        expect(readBare).toEqual(bare);
      });
    });

    describe('baselines', () => {
      storeTest('upserts by host, container and metric, and filters', async (store) => {
        await store.saveBaselines({ baselines: [] });
        const webMemory = contractBaseline({ metric: 'memory_bytes', mean: 52_428_800, variance: 1e12 });
        await store.saveBaselines({
          baselines: [contractBaseline(), webMemory, contractBaseline({ containerName: 'api', mean: 7 })],
        });
        const relearned = contractBaseline({
          mean: 55.25,
          samples: 121,
          updatedAt: t0 + minute,
          image: 'web:1.5.0',
        });
        const otherHost = contractBaseline({ host: 'host-b', mean: 99 });
        await store.saveBaselines({ baselines: [relearned, otherHost] });

        expect(await store.listBaselines({ host: 'host-a', containerName: 'web' })).toEqual([
          webMemory,
          relearned,
        ]);
        expect(await store.listBaselines({ host: 'host-b' })).toEqual([otherHost]);
        expect(await store.listBaselines({ host: 'host-a' })).toHaveLength(3);
        expect(await store.listBaselines({})).toHaveLength(4);
      });
    });

    describe('host separation', () => {
      storeTest('two agents sharing a store see their own rows when they ask by host', async (store) => {
        for (const host of ['host-a', 'host-b']) {
          await store.saveIncident({ incident: contractIncident({ id: `inc-${host}`, host }) });
          await store.saveHealingAction({ action: contractHealingAction({ id: `act-${host}`, host }) });
          await store.saveHealthSamples({ samples: [contractHealthSample({ id: `s-${host}`, host })] });
          await store.saveApproval({ approval: contractApproval({ id: `appr-${host}`, host }) });
        }
        expect(ids(await store.listIncidents({ host: 'host-b' }))).toEqual(['inc-host-b']);
        expect(ids(await store.listHealingActions({ host: 'host-b' }))).toEqual(['act-host-b']);
        expect(ids(await store.listHealthSamples({ host: 'host-b' }))).toEqual(['s-host-b']);
        expect(ids(await store.listApprovals({ host: 'host-b' }))).toEqual(['appr-host-b']);
        expect(await store.listIncidents({ host: 'host-c' })).toEqual([]);
        expect(await store.listIncidents({})).toHaveLength(2);
      });
    });

    describe('host reports', () => {
      storeTest('upserts by host and lists every host sorted by name', async (store) => {
        expect(await store.listHosts()).toEqual([]);
        const b = contractHostReport({ host: 'host-b', engineId: 'ENGINE:B', containers: 4 });
        const a = contractHostReport({ host: 'host-a', engineId: null, engineName: null, role: 'standby' });
        await store.saveHostReport({ report: b });
        await store.saveHostReport({ report: a });
        expect(await store.listHosts()).toEqual([a, b]);
        const later = { ...b, lastSeenAt: t0 + 5 * minute, containers: 5, unhealthy: 1, openIncidents: 2 };
        await store.saveHostReport({ report: later });
        expect(await store.listHosts()).toEqual([a, later]);
      });
    });

    describe('bounded reads', () => {
      storeTest('a limit is applied by the store: at most `limit` rows, the newest ones', async (store) => {
        const samples = Array.from({ length: 30 }, (_, i) =>
          contractHealthSample({ id: `s-${String(i).padStart(2, '0')}`, checkedAt: t0 + i * 1_000 }),
        );
        const incidents = Array.from({ length: 12 }, (_, i) =>
          contractIncident({ id: `i-${String(i).padStart(2, '0')}`, openedAt: t0 + i * minute }),
        );
        const actions = Array.from({ length: 9 }, (_, i) =>
          contractHealingAction({
            id: `a-${String(i).padStart(2, '0')}`,
            containerName: i % 2 === 0 ? 'web' : 'db',
            startedAt: t0 + i * 1_000,
          }),
        );
        await store.saveHealthSamples({ samples });
        for (const incident of incidents) await store.saveIncident({ incident });
        for (const action of actions) await store.saveHealingAction({ action });
        for (const limit of [0, 1, 7, 50]) {
          // Samples and actions: the newest `limit`, oldest first; incidents: newest first.
          expect(ids(await store.listHealthSamples({ limit }))).toEqual(lastOf(ids(samples), limit));
          expect(ids(await store.listIncidents({ limit }))).toEqual(ids(incidents).reverse().slice(0, limit));
          expect(ids(await store.listHealingActions({ limit }))).toEqual(lastOf(ids(actions), limit));
        }
        expect(
          ids(await store.listHealingActions({ containerName: 'web', since: t0 + 1, limit: 2 })),
        ).toEqual(['a-06', 'a-08']);
        expect(ids(await store.listHealthSamples({ since: t0 + 20_000, limit: 100 }))).toEqual(
          ids(samples.slice(20)),
        );
      });

      storeTest('a limit that is not a whole number of at least 0 is refused, not ignored', async (store) => {
        for (const limit of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expect(store.listHealthSamples({ limit })).rejects.toThrow(/limit/);
          await expect(store.listIncidents({ limit })).rejects.toThrow(/limit/);
          await expect(store.listHealingActions({ limit })).rejects.toThrow(/limit/);
        }
      });

      storeTest('listApprovals with ids reads only those requests', async (store) => {
        for (const [index, id] of ['a', 'b', 'c'].entries()) {
          await store.saveApproval({
            approval: contractApproval({
              id,
              requestedAt: t0 + index,
              host: id === 'c' ? 'host-b' : 'host-a',
            }),
          });
        }
        expect(ids(await store.listApprovals({ ids: ['c', 'b'] }))).toEqual(['b', 'c']);
        expect(ids(await store.listApprovals({ ids: ['c', 'b'], host: 'host-a' }))).toEqual(['b']);
        expect(ids(await store.listApprovals({ ids: ['nope'] }))).toEqual([]);
        expect(await store.listApprovals({ ids: [] })).toEqual([]);
      });

      storeTest('summaries are the same numbers as the aggregation computed in JS', async (store) => {
        const samples = contractSummarySamples();
        // Several writes, so minutes are summed across batches too.
        await store.saveHealthSamples({ samples: samples.slice(0, 40) });
        await store.saveHealthSamples({ samples: samples.slice(40, 41) });
        await store.saveHealthSamples({ samples: samples.slice(41) });
        for (const query of summaryQueries) {
          expect(await store.summarizeHealthSamples(query)).toEqual(summarizeHealthSamples(samples, query));
        }
        const all = await store.summarizeHealthSamples({ containerName: 'web', since: t0 });
        expect(all.total.samples).toBe(samples.filter((sample) => sample.containerName === 'web').length);
        expect(all.buckets).toEqual([]);
        const empty = await store.summarizeHealthSamples({ containerName: 'nothing-here', since: t0 });
        expect(empty.total).toEqual({
          samples: 0,
          unhealthy: 0,
          responseTimeMs: null,
          cpuPercent: null,
          memoryPercent: null,
          memoryBytes: null,
        });
      });

      storeTest('summaries follow rewritten samples and retention', async (store) => {
        const byId = new Map(contractSummarySamples().map((sample) => [sample.id, sample]));
        await store.saveHealthSamples({ samples: [...byId.values()] });
        const rewrite = (id: string, change: (sample: HealthSample) => HealthSample) => {
          const changed = change(byId.get(id) as HealthSample);
          byId.set(id, changed);
          return changed;
        };
        await store.saveHealthSamples({
          samples: [
            // The slowest response of its minute becomes fast: the minute's maximum must fall.
            rewrite('sum-010', (s) => ({ ...s, metrics: { ...s.metrics, responseTimeMs: 1.5 } })),
            // Moved to another minute.
            rewrite('sum-003', (s) => ({ ...s, checkedAt: s.checkedAt + 9 * minute })),
            rewrite('sum-005', (s) => ({ ...s, healthy: false, status: 'unhealthy' })),
          ],
        });
        const expectMatches = async () => {
          for (const query of summaryQueries) {
            expect(await store.summarizeHealthSamples(query)).toEqual(
              summarizeHealthSamples(byId.values(), query),
            );
          }
        };
        await expectMatches();
        for (const before of [t0 + 7 * minute + 30_000, t0 + 12 * minute]) {
          await store.pruneHealthSamples({ before, batchSize: 7 });
          for (const [id, sample] of byId) if (sample.checkedAt < before) byId.delete(id);
          await expectMatches();
        }
      });

      storeTest('a bucket width that is not a whole number of minutes is refused', async (store) => {
        for (const bucketMs of [0, -minute, 90_000, 1.5 * minute, Number.NaN]) {
          await expect(
            store.summarizeHealthSamples({ containerName: 'web', since: t0, bucketMs }),
          ).rejects.toThrow(/bucketMs/);
        }
      });
    });

    describe('retention', () => {
      storeTest(
        'removes samples checked before the cutoff, in batches, and keeps the rest',
        async (store) => {
          const cutoff = t0 + 100_000;
          const old = Array.from({ length: 7 }, (_, index) =>
            contractHealthSample({ id: `old-${index}`, checkedAt: cutoff - 1 - index * 1_000 }),
          );
          const kept = [
            contractHealthSample({ id: 'at-cutoff', checkedAt: cutoff }),
            contractHealthSample({ id: 'newer', checkedAt: cutoff + 1_000 }),
          ];
          await store.saveHealthSamples({ samples: [...old, ...kept] });
          await store.saveIncident({ incident: contractIncident({ openedAt: t0, updatedAt: t0 }) });

          expect(await store.pruneHealthSamples({ before: cutoff, batchSize: 3 })).toBe(7);
          expect(ids(await store.listHealthSamples({}))).toEqual(['at-cutoff', 'newer']);
          expect(await store.pruneHealthSamples({ before: cutoff, batchSize: 3 })).toBe(0);
          expect(await store.pruneHealthSamples({ before: cutoff + 1 })).toBe(1);
          // Incidents are not touched by sample retention.
          expect(await store.listIncidents({})).toHaveLength(1);
        },
      );
    });

    describe('close', () => {
      storeTest('after close, calls reject; closing twice is harmless', async (store) => {
        await store.saveIncident({ incident: contractIncident() });
        await store.close();
        await store.close();
        await expect(store.listIncidents({})).rejects.toThrow();
        await expect(store.saveIncident({ incident: contractIncident({ id: 'late' }) })).rejects.toThrow();
        await expect(store.saveHealthSamples({ samples: [contractHealthSample()] })).rejects.toThrow();
      });
    });
  });
}

function contractHostReport(overrides: Partial<HostReport> = {}): HostReport {
  return {
    host: 'host-a',
    engineId: 'ENGINE:A',
    engineName: 'docker-a',
    agentVersion: '1.2.3',
    role: 'active',
    startedAt: t0,
    lastSeenAt: t0 + minute,
    containers: 3,
    unhealthy: 0,
    openIncidents: 0,
    ...overrides,
  };
}
