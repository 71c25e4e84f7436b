import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiReports, buildApiReports } from './build-reports.ts';
import { repoRoot, reportDirectory } from './collect-api.ts';
import { missingDocs, unexportedReferences } from './render-report.ts';

// One TypeScript program over every published entry point, read from source (nothing built):
// a few seconds, so it runs with the unit tests.
const buildTimeoutMs = 120_000;

describe('the checked-in API reports (api/*.api.md)', () => {
  let built: ApiReports;
  beforeAll(() => {
    built = buildApiReports(repoRoot);
  }, buildTimeoutMs);

  it('match the public surface of the source: after a deliberate change, run pnpm api:update', () => {
    const directory = reportDirectory(repoRoot);
    for (const [file, text] of built.reports) {
      const path = join(directory, file);
      const checkedIn = existsSync(path) ? readFileSync(path, 'utf8') : '(missing)';
      expect(checkedIn, `api/${file} is out of date: run pnpm api:update and review the diff`).toBe(text);
    }
    const stale = readdirSync(directory).filter(
      (file) => file.endsWith('.api.md') && !built.reports.has(file),
    );
    expect(stale, 'reports of packages that are no longer published').toEqual([]);
  });

  it('cover every published package and its entry points', () => {
    expect(built.entries.map(({ entry }) => entry.specifier)).toEqual(
      expect.arrayContaining([
        '@website-monitor/core',
        '@website-monitor/core/testing',
        '@website-monitor/docker-adapter',
        '@website-monitor/sql-store',
        '@website-monitor/sqlite-store',
        '@website-monitor/postgres-store',
        '@website-monitor/store-spool',
        '@website-monitor/claude-diagnoser',
        '@website-monitor/claude-diagnoser/testing',
        '@website-monitor/notifier',
        '@website-monitor/http-api',
        '@website-monitor/dashboard',
        '@website-monitor/cli',
      ]),
    );
    // Unstable by design, so kept out of the report.
    expect(built.entries.map(({ entry }) => entry.specifier)).not.toContain('@website-monitor/core/internal');
  });

  it('every public export has a doc comment, and every function and class an @example', () => {
    expect(missingDocs(built.entries)).toEqual([]);
  });

  it('every type a public signature uses can be imported from a public entry point', () => {
    expect(unexportedReferences(built.entries)).toEqual([]);
  });

  it("keeps the core's internals out of its public entry", () => {
    const core = built.entries.find(({ entry }) => entry.specifier === '@website-monitor/core');
    const names = core?.exports.map((item) => item.name) ?? [];
    for (const internal of [
      'stableJitter',
      'Recorder',
      'decideHealing',
      'loadScenarios',
      'EngineLeaseKeeper',
    ]) {
      expect(names).not.toContain(internal);
    }
    expect(names).toEqual(
      expect.arrayContaining([
        'WebsiteMonitorAgent',
        'parseMonitorConfig',
        'checkContainerHealth',
        'MonitorError',
      ]),
    );
  });
});

describe('buildApiReports on a package of its own', () => {
  let root: string;

  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const report = (): ApiReports => buildApiReports(root);
  const entry = (reports: ApiReports, specifier: string) =>
    reports.entries.find((item) => item.entry.specifier === specifier);

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'api-report-'));
    write(
      'tsconfig.json',
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'ES2023',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: [],
        },
      }),
    );
    write(
      'packages/demo/package.json',
      JSON.stringify({
        name: '@demo/lib',
        exports: {
          '.': { types: './dist/index.d.ts', import: './dist/index.js' },
          './internal': { types: './dist/internal/index.d.ts', import: './dist/internal/index.js' },
          './schema.json': './schema.json',
        },
      }),
    );
    write(
      'packages/demo/src/index.ts',
      [
        "import type { Hidden } from './hidden.js';",
        '/**',
        ' * Adds.',
        ' * @example',
        ' * add(1, 2); // 3',
        ' */',
        'export function add(a: number, b: number): number { return a + b; }',
        'export function undocumented(): void {}',
        '/** Documented but without an example. */',
        'export class Counter { count = 0; #secret = 1; private hidden = 2; increment(): void { this.count += this.#secret + this.hidden; } }',
        '/** Uses a type nobody exports. */',
        'export interface Leaky { readonly hidden: Hidden }',
        '/** A plain type needs one line, no example. */',
        "export type Mode = 'a' | 'b';",
      ].join('\n'),
    );
    write('packages/demo/src/hidden.ts', 'export interface Hidden { readonly x: number }');
    write('packages/demo/src/internal/index.ts', 'export const notInTheReport = 1;');
    write(
      'packages/private/package.json',
      JSON.stringify({ name: '@demo/private', private: true, exports: {} }),
    );
  }, buildTimeoutMs);

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('renders each export as a declaration, without bodies or non-public members', () => {
    const reports = report();
    expect([...reports.reports.keys()]).toEqual(['demo.api.md']);
    const text = reports.reports.get('demo.api.md') ?? '';
    expect(text).toContain('export function add(a: number, b: number): number;');
    expect(text).toContain("export type Mode = 'a' | 'b';");
    expect(text).toMatch(/export class Counter \{\n\s+count: number;\n\s+increment\(\): void;\n\}/);
    expect(text).not.toContain('secret');
    expect(text).not.toContain('hidden = 2');
    expect(text).not.toContain('notInTheReport');
    expect(text).not.toContain('return a + b');
  });

  it('changes when a signature changes, so a stale checked-in report fails the test above', () => {
    const before = report().reports.get('demo.api.md');
    const source = readFileSync(join(root, 'packages/demo/src/index.ts'), 'utf8');
    write(
      'packages/demo/src/index.ts',
      source.replace('add(a: number, b: number)', 'add(a: number, b?: number)'),
    );
    try {
      const after = report().reports.get('demo.api.md');
      expect(after).not.toBe(before);
      expect(after).toContain('export function add(a: number, b?: number): number;');
    } finally {
      write('packages/demo/src/index.ts', source);
    }
  });

  it('names exports without a doc comment, and functions and classes without an @example', () => {
    expect(missingDocs(report().entries)).toEqual([
      expect.stringMatching(/^@demo\/lib Counter \(packages\/demo\/src\/index\.ts:\d+\): no @example/),
      expect.stringMatching(
        /^@demo\/lib undocumented \(packages\/demo\/src\/index\.ts:\d+\): no doc comment$/,
      ),
    ]);
  });

  it('names public types that use a type no public entry exports', () => {
    const reports = report();
    expect(unexportedReferences(reports.entries)).toEqual([
      expect.stringMatching(/^@demo\/lib Leaky \(.*\) uses Hidden$/),
    ]);
    expect(reports.reports.get('demo.api.md')).toContain('// Uses types no public entry exports: Hidden');
    expect(entry(reports, '@demo/lib')?.exports.map((item) => item.name)).toEqual([
      'add',
      'Counter',
      'Leaky',
      'Mode',
      'undocumented',
    ]);
  });
});
