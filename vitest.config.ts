import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run from source: every @website-monitor/* import resolves to the package's src,
// so `pnpm test` needs no build first.
const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const alias = [
  { find: '@website-monitor/core/testing', replacement: src('./packages/core/src/testing/index.ts') },
  { find: '@website-monitor/core/internal', replacement: src('./packages/core/src/internal/index.ts') },
  { find: '@website-monitor/core', replacement: src('./packages/core/src/index.ts') },
  { find: '@website-monitor/docker-adapter', replacement: src('./packages/docker-adapter/src/index.ts') },
  {
    find: '@website-monitor/claude-diagnoser/testing',
    replacement: src('./packages/claude-diagnoser/src/testing/index.ts'),
  },
  { find: '@website-monitor/claude-diagnoser', replacement: src('./packages/claude-diagnoser/src/index.ts') },
  { find: '@website-monitor/cli', replacement: src('./packages/cli/src/index.ts') },
  { find: '@website-monitor/test-support', replacement: src('./packages/test-support/src/index.ts') },
  { find: '@website-monitor/sql-store', replacement: src('./packages/sql-store/src/index.ts') },
  { find: '@website-monitor/postgres-store', replacement: src('./packages/postgres-store/src/index.ts') },
  { find: '@website-monitor/sqlite-store', replacement: src('./packages/sqlite-store/src/index.ts') },
  { find: '@website-monitor/store-spool', replacement: src('./packages/store-spool/src/index.ts') },
  { find: '@website-monitor/notifier', replacement: src('./packages/notifier/src/index.ts') },
  { find: '@website-monitor/http-api', replacement: src('./packages/http-api/src/index.ts') },
  { find: '@website-monitor/dashboard', replacement: src('./packages/dashboard/src/index.ts') },
];

// Each test file gets an engine lock directory of its own (see the file): agents started by
// different files, or by another test run on the same Docker engine, must not refuse each other.
const isolateEngineLocks = src('./packages/test-support/src/engine-lock-dir/isolate-engine-lock-dir.ts');

// One PostgreSQL container (testcontainers, the local image) for an integration run, shared by the
// files that need a database; each creates its own in it. DATABASE_URL names another server.
const sharedTestPostgres = src('./packages/postgres-store/src/test-database/test-postgres.global-setup.ts');

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'examples/**/*.test.ts',
            'scripts/api-report/**/*.test.ts',
            'scripts/release/**/*.test.ts',
          ],
          setupFiles: [isolateEngineLocks],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          setupFiles: [isolateEngineLocks],
          globalSetup: [sharedTestPostgres],
          // Real Docker engine: files run one at a time so restarts and timings stay readable
          // on a 2-core machine.
          include: [
            'packages/*/src/**/*.integration.test.ts',
            'packages/*/test/**/*.integration.test.ts',
            // The packed packages installed as a user would, and every example run as its README says.
            'scripts/release/**/*.integration.test.ts',
            'examples/**/*.integration.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/dist/**'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
