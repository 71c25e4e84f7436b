/**
 * Everything the CLI touches outside itself, so `runCli` can be driven from a test without
 * spawning a process: output, environment, and the process signals `run` stops on.
 */
export interface CliIo {
  /** Writes text as-is (callers add the newline). */
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Subscribes to SIGINT/SIGTERM; returns the unsubscribe function. */
  readonly onStopSignal: (listener: (signal: StopSignal) => void) => () => void;
  /** Ends the process at once (a second stop signal while stopping). */
  readonly exitNow: (code: number) => void;
}

/** The signals `run` stops on. */
export type StopSignal = 'SIGINT' | 'SIGTERM';

/**
 * The real process: `process.stdout`, `process.stderr`, `process.env` and its signals.
 *
 * @example
 * ```ts
 * import { processIo, runCli } from '@website-monitor/cli';
 *
 * process.exitCode = await runCli(['check', 'web'], processIo());
 * ```
 */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    onStopSignal(listener) {
      const onSigint = () => listener('SIGINT');
      const onSigterm = () => listener('SIGTERM');
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigterm);
      return () => {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
      };
    },
    exitNow: (code) => process.exit(code),
  };
}
