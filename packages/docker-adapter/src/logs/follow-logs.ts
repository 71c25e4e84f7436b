import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { toDockerTimestamp } from '../events/events-query.js';
import { createFrameDecoder, createLineEmitter } from './demux-logs.js';

/**
 * The query of `GET /containers/{id}/logs` for following: both streams, from `since` (Docker's
 * `seconds.nanoseconds`, inclusive) or, without it, only what is written from now on (`tail=0`:
 * a long-lived container's whole log is never replayed).
 */
export function followLogsQuery(since: number | undefined): Record<string, string | boolean | number> {
  const base = { stdout: true, stderr: true, follow: true, timestamps: false };
  return since === undefined ? { ...base, tail: 0 } : { ...base, since: toDockerTimestamp(since) };
}

/**
 * Opens the follow stream of one container's logs. Resolves once the engine has answered with
 * its headers (the body is not read yet); `connection` aborts the request and, later, the socket.
 */
export function openLogStream(options: {
  readonly docker: Docker;
  readonly id: string;
  readonly since: number | undefined;
  readonly connection: AbortSignal;
}): Promise<Readable> {
  return new Promise<Readable>((resolve, reject) => {
    options.docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(options.id)}/logs?`,
        method: 'GET',
        isStream: true,
        abortSignal: options.connection,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error', 501: 'not implemented' },
        options: followLogsQuery(options.since),
      },
      (error: unknown, data: unknown) => (error ? reject(error) : resolve(data as Readable)),
    );
  });
}

/**
 * Reads an open log stream to its end, delivering whole lines as they arrive. Resolves when the
 * engine ends the stream (the container stopped) or `signal` aborts (no `onLine` after that).
 * Rejects with `streamError(cause)` when the socket fails or closes without an end (`cause`
 * undefined), or with `onLine`'s own error if it throws (the stream is destroyed first).
 */
export function readLogStream(options: {
  readonly stream: Readable;
  readonly tty: boolean;
  readonly maxLineBytes: number;
  readonly signal: AbortSignal;
  readonly onLine: (line: string) => void;
  readonly streamError: (cause?: unknown) => Error;
}): Promise<void> {
  const { stream, signal } = options;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const decoder = createFrameDecoder({ tty: options.tty });
    const settle = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      stream.off('data', onData);
      stream.destroy();
      if (error === undefined) resolve();
      else reject(error);
    };
    const emitter = createLineEmitter({
      maxLineBytes: options.maxLineBytes,
      onLine: (line) => {
        if (settled) return;
        try {
          options.onLine(line);
        } catch (error) {
          settle(error);
        }
      },
    });
    const onAbort = (): void => settle();
    const onData = (chunk: Uint8Array): void => {
      for (const output of decoder.push(chunk)) {
        if (settled) return;
        emitter.push(output);
      }
    };
    if (signal.aborted) {
      settle();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', onData);
    stream.once('end', () => {
      emitter.flush();
      settle();
    });
    stream.once('error', (error) => settle(signal.aborted ? undefined : options.streamError(error)));
    // 'close' without 'end' or 'error': the connection was cut short.
    stream.once('close', () => settle(signal.aborted ? undefined : options.streamError()));
  });
}
