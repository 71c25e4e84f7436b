import type { ApiClient } from '../api/api-client.js';
import { type ServerSentEvent, SseParser } from './sse-parser.js';

export type FeedState = 'connecting' | 'live' | 'reconnecting';

export interface EventFeedOptions {
  readonly api: ApiClient;
  readonly path?: string;
  /** Called each time the stream (re)opens: the moment to re-read the state once. */
  onOpen(): void;
  onEvent(event: ServerSentEvent): void;
  onState(state: FeedState): void;
}

/** Reads `/monitor/events` for as long as the page lives, reconnecting with capped backoff. */
export function startEventFeed(options: EventFeedOptions): { stop(): void } {
  const path = options.path ?? '/monitor/events';
  const controller = new AbortController();
  let delayMs = 500;
  const run = async () => {
    while (!controller.signal.aborted) {
      try {
        const headers = options.api.headers();
        headers.set('accept', 'text/event-stream');
        const response = await fetch(path, { headers, signal: controller.signal, cache: 'no-store' });
        if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
        options.onState('live');
        options.onOpen();
        delayMs = 500;
        const parser = new SseParser();
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const event of parser.push(value)) options.onEvent(event);
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      options.onState('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      delayMs = Math.min(delayMs * 2, 10_000);
    }
  };
  void run();
  return { stop: () => controller.abort() };
}
