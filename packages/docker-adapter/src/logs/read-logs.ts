import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { createFrameDecoder, createLineCollector } from './demux-logs.js';

/**
 * Bytes of one tail read at most. A diagnosis keeps 16 KiB of tail in lines of 2 KiB; the 500
 * entries it asks for can be 8 MB (the engine splits a long line into 16 KiB entries, so a 10 MB
 * line is 640 of them), and reading that grew the agent's RSS by ~20 MB per read.
 */
export const defaultMaxTailBytes = 1024 * 1024;
/** Each retry asks for this many times fewer entries: 50 entries of 16 KiB fit in 1 MiB. */
const tailShrinkFactor = 10;

/** One answer of the engine as a readable stream, for tests to fake. */
export type OpenTailStream = (tail: number, signal: AbortSignal) => Promise<Readable>;

/**
 * `GET /containers/{id}/logs?tail=N&stdout&stderr` as lines, at most `maxBytes` read per request.
 * The engine sends the tail oldest first, so a read cut at the budget would keep the old lines and
 * miss the newest, which matter most: it is abandoned (the socket closed) and the tail asked again,
 * ten times shorter, until it fits. The engine never logs an entry over 16 KiB (it splits long
 * lines), so this ends within a few tries; a last try that still does not fit keeps what it read,
 * marked. The request goes through the modem as a stream on purpose: dockerode's non-follow
 * `logs()` buffers the whole body and JSON-parses it, so a TTY container whose last line is `42`
 * would come back as the number 42.
 */
export async function readLogs(options: {
  readonly docker: Docker;
  readonly id: string;
  readonly tail: number;
  readonly tty: boolean;
  readonly maxLines: number;
  readonly maxLineBytes: number;
  /** Default `defaultMaxTailBytes`. */
  readonly maxBytes?: number;
  readonly signal: AbortSignal;
}): Promise<string[]> {
  const { docker, id } = options;
  return readTail({
    open: (tail, signal) => openTailStream({ docker, id, tail, signal }),
    tail: options.tail,
    tty: options.tty,
    maxLines: options.maxLines,
    maxLineBytes: options.maxLineBytes,
    maxBytes: options.maxBytes ?? defaultMaxTailBytes,
    signal: options.signal,
  });
}

/** `readLogs` over any source of tail streams (the engine, or a test's). */
export async function readTail(options: {
  readonly open: OpenTailStream;
  readonly tail: number;
  readonly tty: boolean;
  readonly maxLines: number;
  readonly maxLineBytes: number;
  readonly maxBytes: number;
  readonly signal: AbortSignal;
}): Promise<string[]> {
  let tail = Math.min(Math.floor(options.tail), options.maxLines);
  if (!(tail > 0)) return [];
  for (;;) {
    const last = tail === 1;
    const read = await readOnce({ ...options, tail, keepPartial: last });
    if (read.complete || last) return read.lines;
    tail = Math.max(1, Math.floor(tail / tailShrinkFactor));
  }
}

async function readOnce(options: {
  readonly open: OpenTailStream;
  readonly tail: number;
  readonly tty: boolean;
  readonly maxLineBytes: number;
  readonly maxBytes: number;
  readonly signal: AbortSignal;
  /** Over the budget, return what was read (marked) rather than nothing. */
  readonly keepPartial: boolean;
}): Promise<{ lines: string[]; complete: boolean }> {
  const stream = await options.open(options.tail, options.signal);
  const decoder = createFrameDecoder({ tty: options.tty });
  const collector = createLineCollector({ maxLines: options.tail, maxLineBytes: options.maxLineBytes });
  const onAbort = () =>
    stream.destroy(options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted'));
  options.signal.addEventListener('abort', onAbort, { once: true });
  let bytesRead = 0;
  try {
    for await (const chunk of stream) {
      const bytes = chunk as Uint8Array;
      const room = options.maxBytes - bytesRead;
      bytesRead += bytes.length;
      if (bytes.length > room) {
        // Leaving the loop closes the response (and its socket): the engine stops sending.
        if (!options.keepPartial) return { lines: [], complete: false };
        for (const output of decoder.push(bytes.subarray(0, room))) collector.push(output);
        return {
          lines: [...collector.finish(), `[log tail cut after ${options.maxBytes} bytes]`],
          complete: false,
        };
      }
      for (const output of decoder.push(bytes)) collector.push(output);
    }
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
  return { lines: collector.finish(), complete: true };
}

function openTailStream(options: {
  readonly docker: Docker;
  readonly id: string;
  readonly tail: number;
  readonly signal: AbortSignal;
}): Promise<Readable> {
  return new Promise<Readable>((resolve, reject) => {
    options.docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(options.id)}/logs?`,
        method: 'GET',
        isStream: true,
        abortSignal: options.signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options: { stdout: true, stderr: true, timestamps: false, follow: false, tail: options.tail },
      },
      (error: unknown, data: unknown) => (error ? reject(error) : resolve(data as Readable)),
    );
  });
}
