import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock, FakeContainerRuntime, FakeHttpProber } from '@website-monitor/core/testing';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../io/captured-io.js';
import { runCli } from '../main.js';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wm-cli-hostile-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

/** 342 bytes that expand to 9^9 values: 40 s and 3.5 GB before aliases were bounded. */
const billionLaughs = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...[...'bcdefghi'].map(
    (name, index) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[index]}`).join(',')}]`,
  ),
  '',
].join('\n');

describe('website-monitor config validate: hostile files', () => {
  it('refuses an alias bomb in well under a second: one line, exit 2', async () => {
    const file = configFile(billionLaughs);
    const io = captureIo();
    const started = performance.now();
    expect(await runCli(['config', 'validate', file], io)).toBe(2);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(io.out()).toBe(
      `${file}:5: e[0]: aliases expand to more than 10000 values (an alias bomb?): use fewer or smaller anchors\n`,
    );
    expect(io.err()).toBe('');
  });

  it('reports an alias inside its own anchor at its line, exit 2, no stack trace', async () => {
    const file = configFile('monitoring:\n  interval_seconds: 30\na: &a [1, *a]\n');
    const io = captureIo();
    expect(await runCli(['config', 'validate', file], io)).toBe(2);
    expect(io.out().split('\n')[0]).toBe(
      `${file}:3: a[1]: alias *a is inside the value it names (&a, from line 3): a config value cannot contain itself`,
    );
    expect(io.err()).toBe('');
  });

  it('refuses a file over 1 MiB, exit 2', async () => {
    const file = configFile(`# ${'x'.repeat(1024 * 1024)}\n`);
    const io = captureIo();
    expect(await runCli(['config', 'validate', file], io)).toBe(2);
    expect(io.out()).toBe(`${file}: the config file is 1 MiB, over the 1 MiB limit for a config file\n`);
  });
});

describe('website-monitor run: hostile config', () => {
  it('exits 2 with the config error on stderr, not "unexpected error"', async () => {
    const file = configFile('a: &a [1, *a]\n');
    const io = captureIo();
    const clock = new FakeClock({ start: Date.now() });
    const exit = await runCli(['run', '--no-listen', '--config', file], io, {
      createRuntime: () => new FakeContainerRuntime({ clock }),
      clock,
      prober: new FakeHttpProber(),
    });
    expect(exit).toBe(2);
    expect(io.err()).toContain(`${file}:1: a[1]: alias *a is inside the value it names`);
    expect(io.err()).not.toMatch(/unexpected error|^\s+at /m);
  });
});
