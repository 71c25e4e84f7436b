import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { createFrameDecoder, createLineCollector } from './demux-logs.js';

/**
 * `GET /containers/{id}/logs?tail=N&stdout&stderr` as lines. The request goes through the modem
 * as a stream on purpose: dockerode's non-follow `logs()` buffers the body and JSON-parses it,
 * so a TTY container whose last line is `42` would come back as the number 42.
 */
export async function readLogs(options: {
  readonly docker: Docker;
  readonly id: string;
  readonly tail: number;
  readonly tty: boolean;
  readonly maxLines: number;
  readonly maxLineBytes: number;
  readonly signal: AbortSignal;
}): Promise<string[]> {
  const tail = Math.min(Math.floor(options.tail), options.maxLines);
  if (!(tail > 0)) return [];
  const stream = await new Promise<Readable>((resolve, reject) => {
    options.docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(options.id)}/logs?`,
        method: 'GET',
        isStream: true,
        abortSignal: options.signal,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        options: { stdout: true, stderr: true, timestamps: false, follow: false, tail },
      },
      (error: unknown, data: unknown) => (error ? reject(error) : resolve(data as Readable)),
    );
  });
  const decoder = createFrameDecoder({ tty: options.tty });
  const collector = createLineCollector({ maxLines: tail, maxLineBytes: options.maxLineBytes });
  const onAbort = () =>
    stream.destroy(options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted'));
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      for (const output of decoder.push(chunk as Uint8Array)) collector.push(output);
    }
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
  return collector.finish();
}
