import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkTarball, type TarballCheck } from './check-tarball.js';
import {
  type ConsumerCheck,
  type ConsumerContext,
  cjsRequire,
  esmBundler,
  esmNodenext,
  peerRange,
  type StepTimer,
} from './consumer-checks.js';
import { corePackage } from './manifest-rules.js';
import { type PackedPackage, packPackage, unpackTarball } from './pack-package.js';
import { readPublishablePackages } from './publishable-packages.js';
import { runChecked, runCommand } from './run-command.js';

export interface ReleaseDryRunOptions {
  readonly repoRoot: string;
  /** `pnpm build` first (default true). */
  readonly build?: boolean;
  /** Tarballs packed already (`changeset pack`): checked instead of packing with `pnpm pack`. */
  readonly tarballsDir?: string;
  /** Kept after the run for a look (default: removed unless something failed). */
  readonly keep?: boolean;
  readonly log?: (line: string) => void;
}

export interface ConsumerReport {
  readonly name: string;
  readonly ok: boolean;
  /** What the consumer's program printed (one JSON line) and each step's time, or why it failed. */
  readonly detail: string;
  readonly durationMs: number;
}

export interface PackageReport {
  readonly name: string;
  readonly version: string;
  readonly tarball: string;
  readonly packedBytes: number;
  readonly unpackedBytes: number;
  readonly fileCount: number;
}

export interface ReleaseReport {
  readonly ok: boolean;
  readonly workDir: string;
  readonly packages: readonly PackageReport[];
  readonly tarballChecks: readonly TarballCheck[];
  readonly consumers: readonly ConsumerReport[];
  readonly durationMs: number;
}

const minute = 60_000;

/**
 * The checks run in two lanes at once (the tarball checks are light, the consumers' npm installs
 * mostly wait on the network): about a minute less on two cores than one after the other.
 */
const lanes: readonly (readonly ('tarballs' | ConsumerCheck)[])[] = [
  [esmNodenext, cjsRequire],
  ['tarballs', esmBundler, peerRange],
];

/**
 * What `pnpm release` would publish, installed and used as a user would: every publishable
 * package is packed, checked (manifest, shipped files, undeclared imports, README links, publint,
 * are-the-types-wrong), then installed with npm into fresh projects that type-check strictly
 * (library types included) and run a program on the published fakes: ESM with `nodenext`, ESM
 * through a bundler, CommonJS through require(esm), and core at a newer patch than its adapters.
 */
export async function runReleaseDryRun(options: ReleaseDryRunOptions): Promise<ReleaseReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const { repoRoot } = options;
  // The consumer projects install the way most users do, with npm: say so before building.
  const npm = await runCommand('npm', ['--version'], { cwd: repoRoot, timeoutMs: minute }).catch(
    () => undefined,
  );
  if (npm?.exitCode !== 0) {
    throw new Error(
      'the release dry run needs npm (its consumer projects install with npm): install npm, then rerun',
    );
  }
  const workDir = mkdtempSync(join(tmpdir(), 'website-monitor-release-'));

  if (options.build ?? true) {
    log('building every package (pnpm build)');
    const { durationMs } = await runChecked('pnpm', ['build'], { cwd: repoRoot, timeoutMs: 10 * minute });
    log(`built in ${seconds(durationMs)}`);
  }

  const tarballsDir = join(workDir, 'tarballs');
  const packed: PackedPackage[] = [];
  for (const pkg of readPublishablePackages(repoRoot)) {
    const packing = { destination: tarballsDir, timeoutMs: 2 * minute };
    let one: PackedPackage;
    if (options.tarballsDir === undefined) {
      one = await packPackage(pkg, packing);
    } else {
      // changeset pack names them like pnpm does: scope-name-version.tgz.
      const file = `${pkg.manifest.name.replace(/^@/, '').replace('/', '-')}-${pkg.manifest.version}.tgz`;
      mkdirSync(tarballsDir, { recursive: true });
      cpSync(join(options.tarballsDir, file), join(tarballsDir, file));
      one = await unpackTarball(pkg.folder, join(tarballsDir, file), packing);
    }
    packed.push(one);
    log(
      `packed ${one.name}@${one.version}: ${kb(one.packedBytes)} (${kb(one.unpackedBytes)} unpacked, ${one.files.length} files)`,
    );
  }
  const core = packed.find((pkg) => pkg.name === corePackage);
  if (core === undefined) throw new Error(`${corePackage} is not among the publishable packages`);

  const context: ConsumerContext = {
    packed,
    core,
    workDir,
    tsc: join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'),
  };
  const attwBin = join(repoRoot, 'node_modules', '.bin', 'attw');
  const tarballChecks: TarballCheck[] = [];
  const consumers: ConsumerReport[] = [];
  await Promise.all(
    lanes.map(async (lane) => {
      for (const work of lane) {
        if (work === 'tarballs') {
          for (const pkg of packed) {
            const check = await checkTarball(pkg, {
              coreVersion: core.version,
              attwBin,
              timeoutMs: 2 * minute,
            });
            tarballChecks.push(check);
            log(
              `checked ${pkg.name}: ${check.problems.length === 0 ? 'ok' : `${check.problems.length} problem(s)`}`,
            );
          }
        } else {
          const report = await runConsumerCheck(work, context);
          consumers.push(report);
          log(
            `consumer ${report.name}: ${report.ok ? 'ok' : 'FAILED'} in ${seconds(report.durationMs)}: ${report.detail.slice(0, 2_000)}`,
          );
        }
      }
    }),
  );

  const ok =
    tarballChecks.every((check) => check.problems.length === 0) && consumers.every((consumer) => consumer.ok);
  if (ok && options.keep !== true) rmSync(workDir, { recursive: true, force: true });
  return {
    ok,
    workDir,
    packages: packed.map((pkg) => ({
      name: pkg.name,
      version: pkg.version,
      tarball: pkg.tarball,
      packedBytes: pkg.packedBytes,
      unpackedBytes: pkg.unpackedBytes,
      fileCount: pkg.files.length,
    })),
    tarballChecks,
    consumers,
    durationMs: elapsed(started),
  };
}

async function runConsumerCheck(check: ConsumerCheck, context: ConsumerContext): Promise<ConsumerReport> {
  const started = performance.now();
  const steps: string[] = [];
  const step: StepTimer = async (label, work) => {
    const stepStarted = performance.now();
    try {
      return await work();
    } finally {
      steps.push(`${label} ${seconds(elapsed(stepStarted))}`);
    }
  };
  try {
    const detail = await check.run(context, step);
    return {
      name: check.name,
      ok: true,
      detail: `${detail} [${steps.join(', ')}]`,
      durationMs: elapsed(started),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      name: check.name,
      ok: false,
      detail: `${message} [${steps.join(', ')}]`,
      durationMs: elapsed(started),
    };
  }
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} kB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}

/** The repository this file belongs to. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
