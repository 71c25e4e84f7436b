import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cliEntry = fileURLToPath(new URL('../../../cli/src/bin.ts', import.meta.url));

/** How one `website-monitor ...` process ended. */
export interface CliRun {
  readonly code: number | null;
  readonly signal: string | null;
  /** The first 64 KB of each stream. */
  readonly stdout: string;
  readonly stderr: string;
  readonly elapsedMs: number;
  /** Peak resident memory (VmHWM) last read from /proc while it ran; 0 when never read. */
  readonly peakRssBytes: number;
  /** Killed at the timeout: a hang. */
  readonly timedOut: boolean;
}

/**
 * Runs the real CLI from source (`node packages/cli/src/bin.ts ARGS`) as a person would, killed
 * after `timeoutMs`. A config input that hangs or eats memory then costs a process, not the test
 * runner, and its peak memory is read from /proc every 25 ms.
 */
export function runCliProcess(
  args: readonly string[],
  options: { readonly timeoutMs?: number; readonly env?: Readonly<Record<string, string>> } = {},
): Promise<CliRun> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const started = performance.now();
  const child = spawn(process.execPath, [cliEntry, ...args], {
    env: { ...inherited, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    if (stdout.length < 64 * 1024) stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
  });
  let peakRssBytes = 0;
  const sampler = setInterval(() => {
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const match = /VmHWM:\s+(\d+) kB/.exec(status);
      if (match) peakRssBytes = Math.max(peakRssBytes, Number(match[1]) * 1024);
    } catch {
      // Gone already.
    }
  }, 25);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 15_000);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearInterval(sampler);
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        elapsedMs: performance.now() - started,
        peakRssBytes,
        timedOut,
      });
    });
  });
}

/** A stack trace or the CLI's "unexpected error" banner: a bug's output, never a user mistake's. */
export function looksLikeACrash(text: string): boolean {
  return /unexpected error|^\s+at .+[(:]\d+|\n\s+at [\w.<>]+ \(|RangeError|TypeError|Maximum call stack/m.test(
    text,
  );
}
