import type { CliIo, StopSignal } from './cli-io.js';

/** A `CliIo` that keeps what was written and lets a test send stop signals (tests only). */
export interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
  readonly sendSignal: (signal: StopSignal) => void;
  readonly exitCalls: number[];
}

export function captureIo(env: Readonly<Record<string, string | undefined>> = {}): CapturedIo {
  let out = '';
  let err = '';
  const listeners = new Set<(signal: StopSignal) => void>();
  const exitCalls: number[] = [];
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env,
    onStopSignal(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    exitNow: (code) => {
      exitCalls.push(code);
    },
    out: () => out,
    err: () => err,
    sendSignal: (signal) => {
      for (const listener of [...listeners]) listener(signal);
    },
    exitCalls,
  };
}
