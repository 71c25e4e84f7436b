import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { captureIo } from '../io/captured-io.js';
import { runCli } from '../main.js';

interface Received {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

async function startReceiver(status: number) {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: JSON.parse(body) as Record<string, unknown> });
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((r) => server.close(r)) };
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wm-notify-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

describe('website-monitor notify test', () => {
  it('sends a labelled sample to every webhook (JSON and Slack shapes) and says how each went', async () => {
    const receiver = await startReceiver(200);
    closers.push(receiver.close);
    const file = configFile(`
notifications:
  webhooks:
    - { name: ops, type: json, url: "${receiver.url}/json" }
    - { name: chat, type: slack, url: "${receiver.url}/slack/secret-token" }
`);
    const io = captureIo();
    expect(await runCli(['notify', 'test', '--config', file], io)).toBe(0);
    expect(receiver.received.map((request) => request.path).sort()).toEqual(['/json', '/slack/secret-token']);
    const json = receiver.received.find((request) => request.path === '/json')?.body;
    expect(json).toMatchObject({ kind: 'incident_opened' });
    expect(JSON.stringify(json)).toContain('Test notification');
    const slack = receiver.received.find((request) => request.path !== '/json')?.body;
    expect(typeof slack?.text).toBe('string');
    // One line per destination; the webhook's secret path is never printed.
    expect(io.out().trim().split('\n')).toHaveLength(2);
    expect(io.out()).not.toContain('secret-token');
  });

  it('exits 1 when a destination refuses, and 2 when nothing is configured', async () => {
    const receiver = await startReceiver(404);
    closers.push(receiver.close);
    const failing = captureIo();
    const file = configFile(
      `notifications:\n  webhooks:\n    - { type: json, url: "${receiver.url}/x", retries: 0 }\n`,
    );
    expect(await runCli(['notify', 'test', '--config', file], failing)).toBe(1);
    const none = captureIo();
    expect(await runCli(['notify', 'test', '--config', configFile('monitoring: {}\n')], none)).toBe(2);
    expect(none.err()).toMatch(/configures no notifications/);
  });
});
