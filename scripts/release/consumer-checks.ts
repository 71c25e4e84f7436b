import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { type ConsumerProject, createConsumerProject, installConsumer } from './consumer-project.js';
import { corePackage } from './manifest-rules.js';
import type { PackedPackage } from './pack-package.js';
import { moduleEntryPoints } from './publishable-packages.js';
import { runChecked, runCommand } from './run-command.js';

/** What every consumer check gets: the packed packages and where to work. */
export interface ConsumerContext {
  readonly packed: readonly PackedPackage[];
  readonly core: PackedPackage;
  readonly workDir: string;
  /** The repository's TypeScript compiler (`typescript/bin/tsc`). */
  readonly tsc: string;
}

/** Runs one named step of a consumer check and records how long it took. */
export type StepTimer = <T>(label: string, work: () => Promise<T>) => Promise<T>;

export interface ConsumerCheck {
  readonly name: string;
  /** Resolves to what the consumer's program printed; throws with the reason it failed. */
  run(context: ConsumerContext, step: StepTimer): Promise<string>;
}

const minute = 60_000;

/** An ESM application with `nodenext`: every package, every entry point, run by Node directly. */
export const esmNodenext: ConsumerCheck = {
  name: 'esm-nodenext',
  async run(context, step) {
    const project = createConsumerProject({
      fixture: 'esm-nodenext',
      dir: join(context.workDir, 'consumers', 'esm-nodenext'),
      type: 'module',
      tarballs: tarballsOf(context.packed),
      entryPoints: context.packed.flatMap((pkg) => moduleEntryPoints(pkg.manifest)),
    });
    await step('npm install', () => installConsumer(project, { timeoutMs: 5 * minute }));
    assertResolvedFromTarballs(project);
    await step('tsc', () => typecheck(context, project));
    return lastLine((await step('run', () => node(project, 'src/main.ts'))).output);
  },
};

/** An ESM application bundled with esbuild (`bundler` resolution): core travels in the bundle. */
export const esmBundler: ConsumerCheck = {
  name: 'esm-bundler',
  async run(context, step) {
    const project = createConsumerProject({
      fixture: 'esm-bundler',
      dir: join(context.workDir, 'consumers', 'esm-bundler'),
      type: 'module',
      tarballs: tarballsOf([context.core]),
      entryPoints: moduleEntryPoints(context.core.manifest),
    });
    await step('npm install', () => installConsumer(project, { timeoutMs: 5 * minute }));
    await step('tsc', () => typecheck(context, project));
    await step('esbuild', () =>
      build({
        absWorkingDir: project.dir,
        entryPoints: ['src/main.ts'],
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node22',
        outfile: 'dist/main.mjs',
        logLevel: 'error',
        // Bundled CommonJS dependencies may call require() for Node's built-ins.
        banner: {
          js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        },
      }),
    );
    return lastLine((await step('run', () => node(project, 'dist/main.mjs'))).output);
  },
};

/**
 * A CommonJS application: tsc compiles its imports to require(), which Node >= 22.12 serves from
 * the ESM packages (require(esm)). Also holds the documented limit: TypeScript's `node16`
 * module setting refuses such an import (TS1479).
 */
export const cjsRequire: ConsumerCheck = {
  name: 'cjs-require',
  async run(context, step) {
    const project = createConsumerProject({
      fixture: 'cjs-require',
      dir: join(context.workDir, 'consumers', 'cjs-require'),
      type: 'commonjs',
      tarballs: tarballsOf(context.packed),
      entryPoints: context.packed.flatMap((pkg) => moduleEntryPoints(pkg.manifest)),
    });
    await step('npm install', () => installConsumer(project, { timeoutMs: 5 * minute }));
    await step('tsc', () => typecheck(context, project));
    const refused = await step('tsc node16', () =>
      runCommand(process.execPath, [context.tsc, '-p', 'tsconfig.node16.json'], {
        cwd: project.dir,
        timeoutMs: 3 * minute,
      }),
    );
    if (refused.exitCode === 0 || !refused.output.includes('TS1479')) {
      throw new Error(
        `module node16 was expected to refuse require(esm) with TS1479:\n${refused.output.slice(-2_000)}`,
      );
    }
    const output = lastLine((await step('run', () => node(project, 'dist/main.js'))).output);
    return `${output} (node16: TS1479 as documented)`;
  },
};

/**
 * Core at a newer patch than the adapters were built with, as when a user updates core alone:
 * npm must keep one copy (core is the adapters' peer) and the agent must type-check where an
 * adapter takes it.
 */
export const peerRange: ConsumerCheck = {
  name: 'peer-range',
  async run(context, step) {
    const nextPatch = nextPatchVersion(context.core.version);
    const newerCore = await repackWithVersion(context.core, nextPatch, join(context.workDir, 'newer-core'));
    const adapters = new Set([
      '@website-monitor/http-api',
      '@website-monitor/notifier',
      '@website-monitor/store-spool',
    ]);
    const tarballs = new Map([
      [corePackage, newerCore],
      ...tarballsOf(context.packed.filter((pkg) => adapters.has(pkg.name))),
    ]);
    const project = createConsumerProject({
      fixture: 'peer-range',
      dir: join(context.workDir, 'consumers', 'peer-range'),
      type: 'module',
      tarballs,
      entryPoints: [],
    });
    await step('npm install', () => installConsumer(project, { timeoutMs: 5 * minute }));
    const copies = installedVersions(project, corePackage);
    if (copies.length !== 1 || copies[0] !== nextPatch) {
      throw new Error(`expected one ${corePackage}@${nextPatch}, npm installed: ${copies.join(', ')}`);
    }
    await step('tsc', () => typecheck(context, project));
    const output = lastLine((await step('run', () => node(project, 'src/main.ts'))).output);
    return `${output} (one ${corePackage}@${nextPatch} beside adapters built with ${context.core.version})`;
  },
};

function tarballsOf(packed: readonly PackedPackage[]): Map<string, string> {
  return new Map(packed.map((pkg) => [pkg.name, pkg.tarball]));
}

function typecheck(context: ConsumerContext, project: ConsumerProject) {
  return runChecked(process.execPath, [context.tsc, '-p', 'tsconfig.json'], {
    cwd: project.dir,
    timeoutMs: 3 * minute,
  });
}

function node(project: ConsumerProject, file: string) {
  return runChecked(process.execPath, [file], { cwd: project.dir, timeoutMs: 2 * minute });
}

interface PackageLock {
  readonly packages: Readonly<Record<string, { readonly resolved?: string; readonly version?: string }>>;
}

function readLock(project: ConsumerProject): PackageLock {
  return JSON.parse(readFileSync(join(project.dir, 'package-lock.json'), 'utf8')) as PackageLock;
}

/** Every @website-monitor package came from a tarball: none was fetched from the registry. */
function assertResolvedFromTarballs(project: ConsumerProject): void {
  const fromRegistry = Object.entries(readLock(project).packages)
    .filter(([path]) => path.includes('node_modules/@website-monitor/'))
    .filter(([, entry]) => entry.resolved !== undefined && !entry.resolved.startsWith('file:'))
    .map(([path, entry]) => `${path} (${entry.resolved})`);
  if (fromRegistry.length > 0)
    throw new Error(`installed from the registry, not the tarballs: ${fromRegistry.join(', ')}`);
}

/** The versions of `name` installed anywhere in the consumer's node_modules. */
function installedVersions(project: ConsumerProject, name: string): string[] {
  return Object.entries(readLock(project).packages)
    .filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`))
    .map(([, entry]) => entry.version ?? '?');
}

/** The same package under another version: a core release the adapters were not built with. */
async function repackWithVersion(pkg: PackedPackage, version: string, dir: string): Promise<string> {
  const packageDir = join(dir, 'package');
  cpSync(pkg.unpackedDir, packageDir, { recursive: true });
  const manifestPath = join(packageDir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  writeFileSync(manifestPath, `${JSON.stringify({ ...manifest, version }, null, 2)}\n`);
  const tarball = join(dir, basename(pkg.tarball).replace(pkg.version, version));
  await runChecked('tar', ['-czf', tarball, '-C', dir, 'package'], { cwd: dir, timeoutMs: minute });
  return tarball;
}

export function nextPatchVersion(version: string): string {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (match === null) throw new Error(`not a version: ${version}`);
  return `${match[1]}.${match[2]}.${Number(match[3]) + 1}`;
}

function lastLine(output: string): string {
  return output.trim().split('\n').at(-1) ?? '';
}
