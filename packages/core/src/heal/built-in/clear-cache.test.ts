import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../testing/fake-clock.js';
import { FakeContainerRuntime } from '../../testing/fake-container-runtime.js';
import { clearCacheStrategy, createClearCacheStrategy } from './clear-cache.js';
import { makeHealingContext } from './healing-context-fixture.test-helper.js';

// The argv is executed for real on this machine, with each `find` a container may have: GNU
// findutils (Debian, Ubuntu images) and busybox (alpine, busybox images), when installed here.
const finders: readonly (readonly [string, readonly string[]])[] = [
  ['GNU find', ['find']],
  ...(existsSync('/bin/busybox') ? ([['busybox find', ['/bin/busybox', 'find']]] as const) : []),
];

const scratch: string[] = [];
afterEach(() => {
  for (const path of scratch.splice(0)) rmSync(path, { recursive: true, force: true });
});

function runLocally(findCommand: readonly string[], argv: readonly string[]) {
  const [program, ...args] = argv;
  const command = program === 'find' ? [...findCommand, ...args] : [...argv];
  const result = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8' });
  return { exitCode: result.status ?? 1, output: `${result.stdout}${result.stderr}` };
}

async function setUp(directories: readonly string[], findCommand: readonly string[]) {
  const clock = new FakeClock();
  const runtime = new FakeContainerRuntime({ clock });
  runtime.addContainer({ name: 'web' });
  runtime.respond('exec', ({ argv }) => runLocally(findCommand, argv));
  const context = await makeHealingContext({ runtime, clock, containerName: 'web' });
  return { runtime, context, strategy: createClearCacheStrategy({ directories }) };
}

function cacheDirectory(): string {
  const root = mkdtempSync(join(tmpdir(), 'clear-cache-'));
  scratch.push(root);
  return root;
}

describe.each(finders)('clear_cache with %s', (_name, findCommand) => {
  it('removes files, hidden files, nested folders and links but keeps the directories', async () => {
    const cache = cacheDirectory();
    const outside = cacheDirectory();
    writeFileSync(join(outside, 'keep.txt'), 'not cache');
    writeFileSync(join(cache, 'upload.tmp'), 'x');
    writeFileSync(join(cache, '.hidden'), 'x');
    mkdirSync(join(cache, 'sessions', 'deep'), { recursive: true });
    writeFileSync(join(cache, 'sessions', 'deep', 'sess_1'), 'x');
    symlinkSync(outside, join(cache, 'link-to-outside'));
    const other = cacheDirectory();
    writeFileSync(join(other, 'x'), 'x');

    const { strategy, context } = await setUp([cache, other], findCommand);
    const outcome = await strategy.run(context);

    expect(outcome.ok).toBe(true);
    expect(outcome.detail).toBe(`cleared the contents of ${cache}, ${other} in web`);
    expect(readdirSync(cache)).toEqual([]);
    expect(readdirSync(other)).toEqual([]);
    expect(lstatSync(cache).isDirectory()).toBe(true);
    // A link is removed, never followed.
    expect(readdirSync(outside)).toEqual(['keep.txt']);
  });

  it('skips a directory the image does not have', async () => {
    const cache = cacheDirectory();
    writeFileSync(join(cache, 'a'), 'x');
    const missing = join(cache, '..', `missing-${Date.now()}`);

    const { strategy, context } = await setUp([cache, missing], findCommand);
    const outcome = await strategy.run(context);

    expect(outcome.ok).toBe(true);
    expect(outcome.detail).toBe(`cleared the contents of ${cache} in web`);
    expect(readdirSync(cache)).toEqual([]);
  });
});

describe('clear_cache', () => {
  it('uses argv with find, never a shell, and targets /tmp and /var/tmp by default', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    runtime.addContainer({ name: 'web' });
    runtime.respond('exec', ({ argv }) =>
      argv.includes('-maxdepth') && argv.includes('0')
        ? { exitCode: 0, output: '/tmp\n/var/tmp\n' }
        : { exitCode: 0, output: '' },
    );
    const context = await makeHealingContext({ runtime, clock, containerName: 'web' });

    const outcome = await clearCacheStrategy.run(context);

    const argvs = runtime.callsOf('exec').map((call) => (call.args as { argv: string[] }).argv);
    expect(argvs).toEqual([
      ['find', '/tmp', '/var/tmp', '-maxdepth', '0', '-type', 'd'],
      [
        'find',
        '/tmp',
        '/var/tmp',
        '-xdev',
        '-mindepth',
        '1',
        '!',
        '-type',
        'd',
        '-exec',
        'rm',
        '-f',
        '{}',
        '+',
      ],
      [
        'find',
        '/tmp',
        '/var/tmp',
        '-xdev',
        '-mindepth',
        '1',
        '-depth',
        '-type',
        'd',
        '-exec',
        'rmdir',
        '{}',
        '+',
      ],
    ]);
    expect(outcome).toEqual({
      ok: true,
      changedContainer: true,
      detail: 'cleared the contents of /tmp, /var/tmp in web',
    });
  });

  it('fails without touching anything when the image has no find', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    runtime.addContainer({ name: 'distroless' });
    runtime.respond('exec', { exitCode: 127, output: 'exec: "find": executable file not found in $PATH' });
    const context = await makeHealingContext({ runtime, clock, containerName: 'distroless' });

    const outcome = await clearCacheStrategy.run(context);

    expect(outcome.ok).toBe(false);
    expect(outcome.changedContainer).toBe(false);
    expect(outcome.detail).toContain('nothing cleared in distroless');
    expect(outcome.detail).toContain('executable file not found');
    expect(runtime.callsOf('exec')).toHaveLength(1);
  });

  it('fails when files could not be removed, and only notes directories that were kept', async () => {
    const clock = new FakeClock();
    const runtime = new FakeContainerRuntime({ clock });
    runtime.addContainer({ name: 'web' });
    runtime.respond('exec', [
      { exitCode: 0, output: '/tmp\n' },
      { exitCode: 0, output: '' },
      { exitCode: 1, output: "rmdir: '/tmp/volume': Device or resource busy" },
      { exitCode: 0, output: '/tmp\n' },
      { exitCode: 1, output: "rm: can't remove '/tmp/root-owned': Permission denied" },
    ]);
    const context = await makeHealingContext({ runtime, clock, containerName: 'web' });
    const strategy = createClearCacheStrategy({ directories: ['/tmp'] });

    const kept = await strategy.run(context);
    expect(kept.ok).toBe(true);
    expect(kept.detail).toContain('some directories were kept (exit 1)');

    const denied = await strategy.run(context);
    expect(denied.ok).toBe(false);
    expect(denied.detail).toContain('Permission denied');
  });

  it('refuses to be configured with a relative path or the root', () => {
    expect(() => createClearCacheStrategy({ directories: ['tmp'] })).toThrow('absolute');
    expect(() => createClearCacheStrategy({ directories: ['/'] })).toThrow('not "/"');
  });
});
