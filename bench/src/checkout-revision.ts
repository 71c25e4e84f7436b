import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './stage-cli.js';

export interface RevisionTree {
  /** The commit the tree was taken from (full hash). */
  readonly commit: string;
  /** Its first line. */
  readonly subject: string;
  readonly root: string;
  remove(): void;
}

/**
 * An earlier revision of the repository as a tree of its own in a temporary folder (`git archive`,
 * so the shared checkout is not touched), with this checkout's installed dependencies: each
 * package's `node_modules` is copied as the links pnpm made (relative ones, so the workspace
 * packages resolve to the revision's own sources) and the root `node_modules` is linked. For
 * `stageCli({ from })`: the agent as it was, measured beside today's in the same run. A revision
 * whose dependencies differ from today's is not supported (its bundle would fail to build).
 */
export function checkoutRevision(revision: string): RevisionTree {
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', `${revision}^{commit}`]).trim();
  } catch {
    console.error(`bench: BENCH_SCALE_BEFORE must name a commit of this repository, got "${revision}"`);
    process.exit(2);
  }
  const subject = git(['log', '-1', '--format=%s', commit]).trim();
  const root = mkdtempSync(join(tmpdir(), 'website-monitor-bench-revision-'));
  try {
    execFileSync('sh', ['-c', 'git -C "$1" archive "$2" | tar -x -C "$3"', 'sh', repoRoot, commit, root]);
    for (const name of readdirSync(join(root, 'packages'))) {
      const installed = join(repoRoot, 'packages', name, 'node_modules');
      if (existsSync(installed)) {
        cpSync(installed, join(root, 'packages', name, 'node_modules'), {
          recursive: true,
          verbatimSymlinks: true,
        });
      }
    }
    symlinkSync(join(repoRoot, 'node_modules'), join(root, 'node_modules'));
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return { commit, subject, root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

function git(args: readonly string[]): string {
  return execFileSync('git', ['-C', repoRoot, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
