import type { Readable } from 'node:stream';
import type { ContainerEvent, Logger } from '@website-monitor/core';
import { ContainerRuntimeError } from '@website-monitor/core';
import type Docker from 'dockerode';
import { toContainerRuntimeError } from '../errors/to-container-runtime-error.js';
import { EventQueue } from './event-queue.js';
import { eventsQuery } from './events-query.js';
import { parseEventLine } from './parse-event-line.js';
import { createLineSplitter } from './split-lines.js';

/** Any single event line is a few hundred bytes; this only guards against a broken peer. */
const maxEventLineBytes = 1024 * 1024;

/**
 * `GET /events` as an async iterable of our events. The socket is read in flowing mode into a
 * queue as fast as it arrives, because the daemon skips a subscriber that takes more than 100 ms
 * over one event; the consumer reads the queue at its own pace. The iterable ends when the
 * daemon closes the stream or `signal` fires, and throws `ContainerRuntimeError` when the
 * connection breaks. Reconnecting is the caller's job.
 */
export async function* streamEvents(options: {
  readonly docker: Docker;
  readonly since: number | undefined;
  readonly signal: AbortSignal;
  readonly endpoint: string;
  readonly logger: Logger;
  readonly queueCapacity: number;
}): AsyncGenerator<ContainerEvent, void, undefined> {
  const { signal, logger } = options;
  if (signal.aborted) return;
  const errorContext = { operation: 'events', endpoint: options.endpoint };

  let stream: Readable;
  try {
    stream = (await options.docker.getEvents({
      ...eventsQuery(options.since),
      abortSignal: signal,
    } as object)) as Readable;
  } catch (error) {
    if (signal.aborted) return;
    throw toContainerRuntimeError(error, errorContext);
  }

  const queue = new EventQueue<ContainerEvent>({ capacity: options.queueCapacity });
  const splitter = createLineSplitter({ maxLineBytes: maxEventLineBytes });

  const handleLine = (line: string): void => {
    const parsed = parseEventLine(line);
    if (parsed.kind === 'malformed') {
      logger.log('warn', 'docker_event_unreadable', { reason: parsed.reason, line: line.slice(0, 200) });
      return;
    }
    if (parsed.kind === 'ignored') return;
    if (!queue.push(parsed.event)) {
      logger.log('warn', 'docker_event_queue_full', { capacity: options.queueCapacity });
      queue.fail(
        new ContainerRuntimeError(
          'api',
          `events: ${options.queueCapacity} events were waiting to be read; the stream was closed so the caller can resync`,
          { isRetryable: true },
        ),
      );
      stream.destroy();
    }
  };

  const onAbort = () => {
    queue.end();
    stream.destroy();
  };
  signal.addEventListener('abort', onAbort, { once: true });

  stream.on('data', (chunk: Uint8Array | string) => {
    const { lines, oversized } = splitter.push(chunk);
    if (oversized > 0) logger.log('warn', 'docker_event_line_too_long', { maxBytes: maxEventLineBytes });
    for (const line of lines) handleLine(line);
  });
  stream.once('end', () => {
    const rest = splitter.flush();
    if (rest !== undefined) handleLine(rest);
    logger.log('debug', 'docker_events_ended', {});
    queue.end();
  });
  stream.once('error', (error) => {
    if (signal.aborted) queue.end();
    else queue.fail(toContainerRuntimeError(error, errorContext));
  });
  // 'close' without 'end' or 'error' is a connection cut short (e.g. the daemon stopped).
  stream.once('close', () => {
    if (signal.aborted) queue.end();
    else
      queue.fail(
        new ContainerRuntimeError(
          'unreachable',
          `events: the Docker engine at ${options.endpoint} closed the stream`,
        ),
      );
  });

  try {
    yield* queue;
  } finally {
    signal.removeEventListener('abort', onAbort);
    stream.destroy();
  }
}
