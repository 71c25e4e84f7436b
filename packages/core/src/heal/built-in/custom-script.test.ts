import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../ports/clock.js';
import { systemClock } from '../../ports/clock.js';
import { FakeClock } from '../../testing/fake-clock.js';
import { FakeContainerRuntime } from '../../testing/fake-container-runtime.js';
import { type CustomScriptInput, customScriptStrategy, scriptOutputLimitBytes } from './custom-script.js';
import { makeHealingContext, makeStep } from './healing-context-fixture.test-helper.js';

const scratch: string[] = [];
const leftoverPids: number[] = [];
afterEach(() => {
  for (const pid of leftoverPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const path of scratch.splice(0)) rmSync(path, { recursive: true, force: true });
});

function workDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'custom-script-'));
  scratch.push(directory);
  return directory;
}

function writeScript(body: string): string {
  const path = join(workDirectory(), 'fix.sh');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

async function contextFor(
  script: string | undefined,
  options: { clock?: Clock; timeoutSeconds?: number } = {},
) {
  const clock = options.clock ?? systemClock;
  const runtime = new FakeContainerRuntime({ clock });
  runtime.addContainer({ name: 'shop', image: 'example/shop:2' });
  const step = makeStep({ action: 'custom_script', script, timeoutSeconds: options.timeoutSeconds });
  const context = await makeHealingContext({ runtime, clock, containerName: 'shop', step });
  return { runtime, context };
}

function isGone(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  // A killed orphan may linger as a zombie until its new parent reaps it; it no longer runs.
  return !existsSync(stat) || readFileSync(stat, 'utf8').split(') ')[1]?.startsWith('Z') === true;
}

describe('custom_script', () => {
  it('gives the script the incident as JSON on stdin and only PATH plus WEBSITE_MONITOR_* variables', async () => {
    const directory = workDirectory();
    const script = writeScript(`cat > "${directory}/stdin.json"\nenv | sort\necho done`);
    const { runtime, context } = await contextFor(script);

    const outcome = await customScriptStrategy.run(context);

    expect(outcome.ok).toBe(true);
    expect(outcome.detail).toMatch(new RegExp(`^script ${script} exited 0 after \\d+ ms:\\n`));
    expect(outcome.detail).toContain(`WEBSITE_MONITOR_INCIDENT_ID=${context.incident.id}`);
    expect(outcome.detail).toContain('WEBSITE_MONITOR_CONTAINER_NAME=shop');
    expect(outcome.detail).toContain(`WEBSITE_MONITOR_CONTAINER_ID=${context.container.id}`);
    expect(outcome.detail).toContain('WEBSITE_MONITOR_TRIGGER=http_failed');
    expect(outcome.detail).toContain('PATH=');
    // Nothing of the agent's own environment leaks through; the shell adds only its own PWD/SHLVL.
    const names = outcome.detail
      .split('\n')
      .map((line) => /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1])
      .filter(
        (name): name is string => name !== undefined && !['PWD', 'SHLVL', '_', 'OLDPWD'].includes(name),
      );
    expect(names).toEqual([
      'PATH',
      'WEBSITE_MONITOR_CONTAINER_ID',
      'WEBSITE_MONITOR_CONTAINER_NAME',
      'WEBSITE_MONITOR_INCIDENT_ID',
      'WEBSITE_MONITOR_TRIGGER',
    ]);
    const input = JSON.parse(readFileSync(join(directory, 'stdin.json'), 'utf8')) as CustomScriptInput;
    expect(input).toEqual({
      incident: JSON.parse(JSON.stringify(context.incident)),
      container: { id: context.container.id, name: 'shop', image: 'example/shop:2', state: 'running' },
    });
    expect(runtime.callsOf('restart')).toEqual([]);
  });

  it('fails with the exit code and the output when the script fails', async () => {
    const script = writeScript('echo "cache server unreachable" >&2\nexit 3');
    const { context } = await contextFor(script);

    const outcome = await customScriptStrategy.run(context);

    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toMatch(/exited 3 after \d+ ms:\ncache server unreachable$/);
  });

  it('kills the script and everything it started when the timeout passes', async () => {
    const clock = new FakeClock();
    const directory = workDirectory();
    const script = writeScript(`sleep 60 &\necho $! > "${directory}/child.pid"\necho started\nwait`);
    const { context } = await contextFor(script, { clock, timeoutSeconds: 2 });

    const pending = customScriptStrategy.run(context);
    const pidFile = join(directory, 'child.pid');
    for (let tries = 0; !existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === ''; tries++) {
      if (tries > 200) throw new Error('the script never started');
      await delay(10);
    }
    const childPid = Number(readFileSync(pidFile, 'utf8'));
    leftoverPids.push(childPid);
    await clock.advance(1_999);
    expect(isGone(childPid)).toBe(false);
    await clock.advance(1);
    const outcome = await pending;

    expect(outcome.ok).toBe(false);
    expect(outcome.detail).toBe(`script ${script} timed out after 2 s and was killed:\nstarted`);
    for (let tries = 0; !isGone(childPid) && tries < 100; tries++) await delay(10);
    expect(isGone(childPid)).toBe(true);
  });

  it('kills the script when the healing is cancelled', async () => {
    const clock = new FakeClock();
    const script = writeScript('exec sleep 60');
    const { context } = await contextFor(script, { clock });
    const controller = new AbortController();

    const pending = customScriptStrategy.run({ ...context, signal: controller.signal });
    await delay(50);
    controller.abort();

    expect((await pending).detail).toBe(`script ${script} was cancelled and killed`);
  });

  it('keeps only the last 64 KiB of output and says how much was dropped', async () => {
    // 200 000 bytes of "x", then a final line that must survive.
    const script = writeScript('head -c 200000 /dev/zero | tr "\\0" x\necho\necho LAST LINE');
    const { context } = await contextFor(script);

    const outcome = await customScriptStrategy.run(context);

    expect(outcome.ok).toBe(true);
    expect(outcome.detail).toMatch(/\[\d+ earlier bytes dropped\]/);
    expect(outcome.detail.endsWith('LAST LINE')).toBe(true);
    const kept = outcome.detail.slice(outcome.detail.indexOf('dropped]\n') + 'dropped]\n'.length);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(scriptOutputLimitBytes);
    const dropped = Number(/\[(\d+) earlier/.exec(outcome.detail)?.[1]);
    expect(dropped).toBe(200_000 + 1 + 'LAST LINE\n'.length - scriptOutputLimitBytes);
  });

  it('returns when the script exits even if a background child keeps its output open', async () => {
    const directory = workDirectory();
    const script = writeScript(`sleep 30 &\necho $! > "${directory}/child.pid"\necho handed off`);
    const { context } = await contextFor(script);

    const started = Date.now();
    const outcome = await customScriptStrategy.run(context);
    leftoverPids.push(Number(readFileSync(join(directory, 'child.pid'), 'utf8')));

    expect(outcome.ok).toBe(true);
    expect(outcome.detail).toContain('handed off');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('fails readably when the script is missing, not executable or not configured', async () => {
    const missing = await customScriptStrategy.run((await contextFor('/nonexistent/fix.sh')).context);
    expect(missing.ok).toBe(false);
    expect(missing.detail).toMatch(/^cannot run script \/nonexistent\/fix\.sh: .*ENOENT/);

    const notExecutable = writeScript('exit 0');
    chmodSync(notExecutable, 0o644);
    const denied = await customScriptStrategy.run((await contextFor(notExecutable)).context);
    expect(denied.detail).toMatch(/EACCES/);

    const none = await customScriptStrategy.run((await contextFor(undefined)).context);
    expect(none.detail).toBe('custom_script needs `script`, an absolute path in the config; got none');

    const relative = await customScriptStrategy.run((await contextFor('scripts/fix.sh')).context);
    expect(relative.detail).toContain('got "scripts/fix.sh"');
  });
});
