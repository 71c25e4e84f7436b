import type { Readable } from 'node:stream';
import { ContainerRuntimeError } from '@website-monitor/core';
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
 * Bytes of one followed stream read at most. A run is followed for its first seconds so that its
 * start-up lines are at hand when it dies; a run that writes more than this (two 10 MB lines, a
 * debug flood) is not worth the memory: every chunk read is garbage to collect, and reading 20 MB
 * grew the agent's RSS by ~40 MB. Past the budget the stream is closed and its tail is read
 * (bounded) when a diagnosis needs it.
 */
export const defaultMaxFollowedBytes = 1024 * 1024;

/**
 * Reads an open log stream to its end, delivering whole lines as they arrive. Resolves when the
 * engine ends the stream (the container stopped) or `signal` aborts (no `onLine` after that).
 * Rejects with `streamError(cause)` when the socket fails or closes without an end (`cause`
 * undefined), with `onLine`'s own error if it throws, or with a `ContainerRuntimeError` once
 * more than `maxBytes` were read (the lines delivered so far stand; the partial last one is
 * dropped). The stream is destroyed first in every case.
 */
export function readLogStream(options: {
  readonly stream: Readable;
  readonly tty: boolean;
  readonly maxLineBytes: number;
  /** Bytes read from the engine at most, frame headers included. Default `defaultMaxFollowedBytes`. */
  readonly maxBytes?: number;
  readonly signal: AbortSignal;
  readonly onLine: (line: string) => void;
  readonly streamError: (cause?: unknown) => Error;
}): Promise<void> {
  const { stream, signal } = options;
  const maxBytes = options.maxBytes ?? defaultMaxFollowedBytes;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let bytesRead = 0;
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
      const room = maxBytes - bytesRead;
      bytesRead += chunk.length;
      // What fits in the budget is still decoded, so the lines completed within it are delivered.
      for (const output of decoder.push(chunk.length > room ? chunk.subarray(0, Math.max(0, room)) : chunk)) {
        if (settled) return;
        emitter.push(output);
      }
      if (bytesRead > maxBytes && !settled) {
        settle(
          new ContainerRuntimeError(
            'api',
            `followLogs: stopped reading after ${maxBytes} bytes of output (a run this verbose is read from its log tail when it fails)`,
            { isRetryable: false },
          ),
        );
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
