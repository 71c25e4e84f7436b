import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { createFrameDecoder } from '../logs/demux-logs.js';

/**
 * Runs argv in a container (no shell: `Cmd` is the argv itself), collects stdout and stderr in
 * arrival order up to `maxOutputBytes`, and reads the exit code. Output past the bound is
 * still read, so the process is never blocked on a full pipe, but not kept.
 *
 * Docker has no API to kill an exec'd process: when `signal` fires the connection is closed and
 * the process may keep running inside the container.
 */
export async function runExec(options: {
  readonly container: Docker.Container;
  readonly argv: readonly string[];
  readonly signal: AbortSignal;
  readonly maxOutputBytes: number;
}): Promise<{ readonly exitCode: number; readonly output: string }> {
  const { signal } = options;
  const exec = await options.container.exec({
    Cmd: [...options.argv],
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    abortSignal: signal,
  } as Docker.ExecCreateOptions);
  const socket = (await exec.start({
    hijack: true,
    stdin: false,
    abortSignal: signal,
  } as Docker.ExecStartOptions)) as Duplex;

  const decoder = createFrameDecoder({ tty: false });
  const kept: Uint8Array[] = [];
  let keptBytes = 0;
  let droppedBytes = 0;
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const finish = (error?: Error) => {
      signal.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    socket.on('data', (chunk: Uint8Array) => {
      for (const { data } of decoder.push(chunk)) {
        const room = options.maxOutputBytes - keptBytes;
        if (room > 0) {
          const piece = data.subarray(0, room);
          kept.push(piece);
          keptBytes += piece.length;
        }
        droppedBytes += Math.max(0, data.length - Math.max(0, room));
      }
    });
    socket.once('end', () => finish());
    socket.once('close', () => finish());
    socket.once('error', (error) => finish(error));
  });

  const exitCode = await waitForExitCode(exec, signal);
  let output = Buffer.concat(kept).toString('utf8');
  if (droppedBytes > 0) output += `\n[output cut: ${droppedBytes} more bytes]`;
  return { exitCode, output };
}

/**
 * The attach stream closes when the process exits, but the engine can record the exit code a
 * moment later, so a still-running exec is asked again briefly.
 */
async function waitForExitCode(exec: Docker.Exec, signal: AbortSignal): Promise<number> {
  for (let attempt = 0; ; attempt += 1) {
    const details = (await exec.inspect({ abortSignal: signal } as object)) as unknown as {
      Running?: unknown;
      ExitCode?: unknown;
    };
    if (details.Running !== true && typeof details.ExitCode === 'number') return details.ExitCode;
    if (attempt >= 50) return typeof details.ExitCode === 'number' ? details.ExitCode : -1;
    await new Promise((resolve) => setTimeout(resolve, 20));
    signal.throwIfAborted();
  }
}
