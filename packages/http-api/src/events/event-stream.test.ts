import { request as httpRequest } from 'node:http';
import type { HealthVerdict } from '@website-monitor/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../api/api-harness.test-helper.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

/** Reads SSE frames from a fetch body until `until` accepts one or the deadline passes. */
async function readFrames(
  body: ReadableStream<Uint8Array>,
  until: (frame: { event?: string; data?: string }) => boolean,
  deadlineMs: number,
): Promise<{ event?: string; data?: string }[]> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  const frames: { event?: string; data?: string }[] = [];
  let buffer = '';
  const deadline = Date.now() + deadlineMs;
  try {
    while (Date.now() < deadline) {
      const next = await Promise.race([
        reader.read(),
        new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), deadline - Date.now())),
      ]);
      if (next === 'timeout' || next.done) break;
      buffer += next.value;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const raw = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const frame: { event?: string; data?: string } = {};
        for (const line of raw.split('\n')) {
          if (line.startsWith('event: ')) frame.event = line.slice(7);
          if (line.startsWith('data: ')) frame.data = line.slice(6);
        }
        frames.push(frame);
        if (until(frame)) return frames;
        end = buffer.indexOf('\n\n');
      }
    }
    return frames;
  } finally {
    await reader.cancel().catch(() => {});
  }
}

describe('GET /monitor/events (server-sent events)', () => {
  it('delivers incident:opened within a second of a crash', async () => {
    const harness = await startApiHarness();
    harnesses.push(harness);
    const response = await harness.call('/monitor/events');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const started = Date.now();
    harness.runtime.crash('web', { exitCode: 137 });
    const frames = await readFrames(response.body!, (frame) => frame.event === 'incident:opened', 1000);
    const opened = frames.find((frame) => frame.event === 'incident:opened');
    expect(opened, JSON.stringify(frames)).toBeDefined();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(JSON.parse(opened!.data!)).toMatchObject({
      containerName: 'web',
      trigger: 'container_stopped',
      exitCode: 137,
    });
    expect(frames.map((frame) => frame.event)).toContain('check:failed');
  });

  it('sends heartbeats on an idle stream', async () => {
    const harness = await startApiHarness({ server: { events: { heartbeatMs: 50 } } });
    harnesses.push(harness);
    const response = await harness.call('/monitor/events');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(': heartbeat')) text += (await reader.read()).value ?? '';
    await reader.cancel();
    expect(text).toContain('retry: 3000');
  });

  it('drops a client that stops reading once its buffer passes the limit, and keeps serving others', async () => {
    const drops: number[] = [];
    const harness = await startApiHarness({
      server: { events: { maxBufferBytes: 64 * 1024, onDrop: (info) => drops.push(info.bufferedBytes) } },
    });
    harnesses.push(harness);
    const { agent, server } = harness;
    // A reader that never reads: the socket fills, then our buffer does.
    const stalled = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const request = httpRequest(`${server.url}/monitor/events`, (response) => {
        response.pause();
        resolve(response);
      });
      request.on('error', reject);
      request.end();
    });
    const closed = new Promise<void>((resolve) => stalled.socket.on('close', () => resolve()));
    expect(server.api.events.clientCount).toBe(1);
    const verdict = agent.status()[0]!.verdict!;
    const bulky: HealthVerdict = {
      ...verdict,
      problems: [{ kind: 'custom_error', message: 'x'.repeat(16 * 1024) }],
    };
    for (let index = 0; index < 2000 && drops.length === 0; index++) {
      agent.emit('check:completed', bulky);
      if (index % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    expect(drops).toHaveLength(1);
    expect(drops[0]).toBeGreaterThan(64 * 1024);
    expect(server.api.events.clientCount).toBe(0);
    await closed;

    // The stream is still there for well-behaved clients.
    const fresh = await harness.call('/monitor/events');
    expect(fresh.status).toBe(200);
    await fresh.body!.cancel();
  });

  it('refuses clients past the limit with 503', async () => {
    const harness = await startApiHarness({ server: { events: { maxClients: 1 } } });
    harnesses.push(harness);
    const first = await harness.call('/monitor/events');
    expect(first.status).toBe(200);
    const second = await harness.call('/monitor/events');
    expect(second.status).toBe(503);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    await first.body!.cancel();
  });

  it('answers HEAD with the stream headers at once and keeps no client slot', async () => {
    const harness = await startApiHarness({ server: { events: { maxClients: 1 } } });
    harnesses.push(harness);
    for (let round = 0; round < 3; round++) {
      const head = await harness.call('/monitor/events', {
        method: 'HEAD',
        signal: AbortSignal.timeout(2_000),
      });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toContain('text/event-stream');
    }
    const stream = await harness.call('/monitor/events');
    expect(stream.status).toBe(200);
    await stream.body!.cancel();
  });
});
