import { spawn } from 'node:child_process';

export interface CommandResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr interleaved as they arrived, at most `maxOutputChars` (the tail is kept). */
  readonly output: string;
  readonly durationMs: number;
}

export interface RunCommandOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Killed (SIGKILL, with its process group) after this long; the result says so. */
  readonly timeoutMs: number;
  readonly maxOutputChars?: number;
}

/** A command's output and exit, never throwing for a non-zero exit: callers decide what failed. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  const started = performance.now();
  const maxOutputChars = options.maxOutputChars ?? 200_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A group of its own, so a timeout also ends what the command started (npm's children).
      detached: true,
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.length > 2 * maxOutputChars) output = output.slice(-maxOutputChars);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${command}: ${error.message}`, { cause: error }));
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      const tail = output.slice(-maxOutputChars);
      resolve({
        exitCode,
        signal,
        output: timedOut ? `${tail}\n[killed after ${options.timeoutMs} ms]` : tail,
        durationMs: Math.round(performance.now() - started),
      });
    });
  });
}

/** Like runCommand, but a non-zero exit throws with the command and the end of its output. */
export async function runChecked(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandResult> {
  const result = await runCommand(command, args, options);
  if (result.exitCode !== 0) {
    throw new Error(
      `${[command, ...args].join(' ')} (in ${options.cwd}) exited ${result.exitCode ?? result.signal}:\n${result.output.slice(-4_000)}`,
    );
  }
  return result;
}
