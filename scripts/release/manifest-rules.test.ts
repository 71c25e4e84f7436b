import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextPatchVersion } from './consumer-checks.js';
import { manifestProblems, repositoryUrl } from './manifest-rules.js';
import { moduleEntryPoints, readPublishablePackages } from './publishable-packages.js';
import { repoRoot } from './release-dry-run.js';

const packages = readPublishablePackages(repoRoot);
const core = packages.find((pkg) => pkg.manifest.name === '@website-monitor/core');

describe('the publishable packages, as they are in the repository', () => {
  it('are the eleven packages under packages/ that are not private', () => {
    expect(packages.map((pkg) => pkg.folder)).toEqual([
      'claude-diagnoser',
      'cli',
      'core',
      'dashboard',
      'docker-adapter',
      'http-api',
      'notifier',
      'postgres-store',
      'sql-store',
      'sqlite-store',
      'store-spool',
    ]);
  });

  it.each(packages.map((pkg) => [pkg.folder, pkg] as const))(
    '%s: its package.json says what a release needs',
    (_, pkg) => {
      expect(
        manifestProblems(pkg.manifest, {
          folder: pkg.folder,
          packed: false,
          coreVersion: core!.manifest.version,
        }),
      ).toEqual([]);
    },
  );

  it.each(packages.map((pkg) => [pkg.folder, pkg] as const))(
    '%s: has LICENSE (MIT) and CHANGELOG.md',
    (_, pkg) => {
      expect(readFileSync(join(pkg.dir, 'LICENSE'), 'utf8')).toBe(
        readFileSync(join(repoRoot, 'LICENSE'), 'utf8'),
      );
      expect(readFileSync(join(pkg.dir, 'CHANGELOG.md'), 'utf8')).toMatch(
        new RegExp(`^# ${pkg.manifest.name}\\n\\n## `),
      );
    },
  );

  it('are released together: the changesets fixed group names exactly them', () => {
    const config = JSON.parse(readFileSync(join(repoRoot, '.changeset', 'config.json'), 'utf8')) as {
      fixed: string[][];
      access: string;
    };
    expect(config.access).toBe('public');
    expect([...(config.fixed[0] ?? [])].sort()).toEqual(packages.map((pkg) => pkg.manifest.name).sort());
  });

  it('core ships the scenario corpus that loadScenarios() reads by default', () => {
    expect(core!.manifest.files).toContain('test/scenarios');
    expect(existsSync(join(core!.dir, 'test', 'scenarios'))).toBe(true);
  });
});

describe('manifestProblems', () => {
  // As packed: pnpm replaces the workspace: ranges, devDependencies included.
  const { devDependencies: _dev, ...packedAdapter } = packages.find(
    (pkg) => pkg.folder === 'http-api',
  )!.manifest;
  const adapter = { manifest: { ...packedAdapter, peerDependencies: { '@website-monitor/core': '^0.1.0' } } };

  it('reports core pinned as a dependency of an adapter (two copies of core for its users)', () => {
    const { peerDependencies: _, ...rest } = adapter.manifest;
    const pinned = {
      ...rest,
      dependencies: { ...adapter.manifest.dependencies, '@website-monitor/core': '0.1.0' },
    };
    expect(manifestProblems(pinned, { folder: 'http-api', packed: true, coreVersion: '0.1.0' })).toEqual([
      '@website-monitor/http-api: @website-monitor/core is a dependency; it must be a peer dependency',
      '@website-monitor/http-api: peerDependencies.@website-monitor/core is missing, expected ^0.1.0',
    ]);
  });

  it('reports what a scoped package needs to be public and findable', () => {
    const { publishConfig: _p, repository: _r, ...bare } = adapter.manifest;
    expect(
      manifestProblems(
        { ...bare, license: undefined },
        { folder: 'http-api', packed: true, coreVersion: '0.1.0' },
      ),
    ).toEqual([
      '@website-monitor/http-api: license is missing, not MIT',
      `@website-monitor/http-api: repository must be { url: git+${repositoryUrl}.git, directory: packages/http-api }`,
      '@website-monitor/http-api: publishConfig.access is not "public"',
    ]);
  });

  it('reports a workspace: range left in a tarball and an export without a default condition', () => {
    const manifest = {
      ...adapter.manifest,
      exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } },
      peerDependencies: { '@website-monitor/core': 'workspace:^' },
    };
    expect(manifestProblems(manifest, { folder: 'http-api', packed: true, coreVersion: '0.1.0' })).toEqual([
      '@website-monitor/http-api: exports["."] needs types, import and a default equal to import',
      '@website-monitor/http-api: peerDependencies.@website-monitor/core is still workspace:^ in the tarball',
      '@website-monitor/http-api: peerDependencies.@website-monitor/core is workspace:^, expected ^0.1.0',
    ]);
  });
});

describe('moduleEntryPoints', () => {
  it('lists the import specifiers of every module entry, not JSON files', () => {
    expect(
      moduleEntryPoints({
        name: '@x/core',
        version: '1.0.0',
        exports: {
          '.': { import: './a.js' },
          './testing': { import: './b.js' },
          './config.schema.json': './c.json',
        },
      }),
    ).toEqual(['@x/core', '@x/core/testing']);
  });
});

describe('nextPatchVersion', () => {
  it('adds one to the patch', () => {
    expect(nextPatchVersion('0.1.0')).toBe('0.1.1');
    expect(nextPatchVersion('1.2.9-beta.1')).toBe('1.2.10');
  });
});
