import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeAnthropicServer, validDiagnosisReply } from '@website-monitor/claude-diagnoser/testing';
import { FakeClock, FakeContainerRuntime, FakeHttpProber } from '@website-monitor/core/testing';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../io/captured-io.js';
import { runCli } from '../main.js';

// Issue 10, item 7, through `website-monitor run` as shipped: SQLite store, JSON log on stdout,
// the REST API's event stream (SSE), a JSON webhook, and Claude at a local Messages API. A
// container prints its own DB_PASSWORD and an AWS key pair; clear_cache and custom_script print
// them too; the model quotes one back. No sink may carry any of them.

// Assembled at run time so secret scanners do not flag this file.
const dbPassword = ['Sup3r', '-Secret-', 'Pa55word'].join('');
const awsId = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const awsSecret = ['wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYEXAMPLEKEY'].join('');
const secrets = [dbPassword, awsId, awsSecret];

/** Bytes every file under `directory` holds (the SQLite database, its WAL, a spool). */
function filesUnder(directory: string): string {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name)).toString('latin1'))
    .join('\n');
}

async function startReceiver() {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Reads an SSE stream into `text` until `abort` is called. */
async function followEvents(url: string) {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  expect(response.status).toBe(200);
  const decoder = new TextDecoder();
  const stream = { text: '', abort: () => abort.abort() };
  void (async () => {
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        stream.text += decoder.decode(chunk, { stream: true });
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return stream;
}

describe('website-monitor run: no sink carries a container’s secret', () => {
  it('masks it in SQLite, the JSON log, the event stream, the webhook and the prompt sent to Claude', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'wm-run-redaction-'));
    const script = join(directory, 'fix.sh');
    writeFileSync(
      script,
      `#!/bin/sh\necho "pushing with ${awsId} ${awsSecret}"\necho "db ${dbPassword}"\nexit 1\n`,
    );
    chmodSync(script, 0o755);
    const receiver = await startReceiver();
    const claude = await startFakeAnthropicServer({
      // A model quoting the secret back: its answer is redacted like everything else.
      script: validDiagnosisReply({
        diagnosis: `the app crashed; it logged password ${dbPassword}`,
        cause: 'crash',
        recommended_action: 'clear_cache',
        reasoning: `it printed aws ${awsId} ${awsSecret}`,
      }),
    });
    const config = join(directory, 'config.yaml');
    writeFileSync(
      config,
      `monitoring:
  containers:
    - name: web
storage:
  path: ${join(directory, 'data', 'monitor.db')}
healing:
  auto_fix_actions: [clear_cache, custom_script]
  strategies:
    container_stopped:
      - action: clear_cache
        max_attempts: 1
      - action: custom_script
        script: ${script}
        max_attempts: 1
notifications:
  webhooks:
    - type: json
      url: ${receiver.url}
      retries: 0
claude:
  enabled: true
  model: "claude-sonnet-4-5-20250929"
  use_for_diagnosis: true
`,
    );

    const clock = new FakeClock({ start: Date.now() });
    const runtime = new FakeContainerRuntime({ clock });
    runtime.addContainer({
      name: 'web',
      env: [`DB_PASSWORD=${dbPassword}`, 'NODE_ENV=production'],
      logs: ['listening on :8080'],
    });
    runtime.respond('exec', (args: { argv: readonly string[] }) =>
      args.argv.includes('-maxdepth')
        ? { exitCode: 0, output: '/tmp\n' }
        : { exitCode: 1, output: `rm: /tmp/.env: DB_PASSWORD=${dbPassword} aws ${awsId} ${awsSecret}` },
    );
    const io = captureIo({ ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: claude.url });
    let stop: () => void = () => {};
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const exit = runCli(['run', '--listen', '127.0.0.1:0', '--config', config], io, {
      createRuntime: () => runtime,
      clock,
      prober: new FakeHttpProber(),
      onStarted: (stopIt) => {
        stop = stopIt;
        started();
      },
    });
    await Promise.race([running, exit]);
    const apiUrl = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(io.err())?.[1];
    expect(apiUrl, io.err()).toBeDefined();
    const events = await followEvents(`${apiUrl}/monitor/events`);

    try {
      runtime.crash('web', {
        exitCode: 1,
        logs: [
          `connecting as app with password ${dbPassword}`,
          `aws ${awsId} ${awsSecret}`,
          'Error: boot failed',
        ],
      });
      const results = () =>
        io
          .out()
          .split('\n')
          .filter((line) => line.includes('"healing_result"'));
      for (let round = 0; round < 200 && results().length < 2; round++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        await clock.advance(1_000);
      }
      expect(results().join('\n'), io.out()).toContain('custom_script');
      expect(results().join('\n')).toContain('clear_cache');
      for (let round = 0; round < 100 && receiver.bodies.length === 0; round++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      stop();
      expect(await exit).toBe(0);
      events.abort();
      await receiver.close();
      await claude.close();
    }

    const sinks: Record<string, string> = {
      'the JSON log': io.out(),
      'the stored rows': filesUnder(join(directory, 'data')),
      'the event stream': events.text,
      'the webhook': receiver.bodies.join('\n'),
      'the prompt': JSON.stringify(claude.requests.map((request) => request.body)),
    };
    expect(claude.requests.length).toBeGreaterThan(0);
    expect(receiver.bodies.length).toBeGreaterThan(0);
    expect(events.text).toContain('healing:result');
    for (const [sink, text] of Object.entries(sinks)) {
      for (const secret of secrets) expect(text.includes(secret), `${sink} holds ${secret}`).toBe(false);
    }
    expect(sinks['the stored rows']).toContain('[REDACTED:');
    expect(sinks['the JSON log']).toContain('[REDACTED:aws_key] [REDACTED:high_entropy]');
  }, 30_000);
});
