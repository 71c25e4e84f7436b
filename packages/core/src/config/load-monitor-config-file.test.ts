// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings test ${VAR} interpolation itself.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/monitor-error.js';
import { loadMonitorConfigFile } from './load-monitor-config-file.js';

describe('loadMonitorConfigFile', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'website-monitor-config-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('reads and parses a file', async () => {
    const path = join(directory, 'monitor.yaml');
    await writeFile(path, 'monitoring:\n  interval_seconds: ${INTERVAL}\n');
    const config = await loadMonitorConfigFile({ path, env: { INTERVAL: '12' } });
    expect(config.monitoring.intervalSeconds).toBe(12);
  });

  it('names the file and line of a problem', async () => {
    const path = join(directory, 'broken.yaml');
    await writeFile(path, 'claude:\n  enabled: yes please\n');
    const error = await loadMonitorConfigFile({ path, env: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      `${path}:2: claude.enabled: expected true or false, got "yes please"`,
    );
  });

  it('turns a missing file into a ConfigError naming the path', async () => {
    const path = join(directory, 'absent.yaml');
    const error = await loadMonitorConfigFile({ path, env: {} }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toBe(`${path}: cannot read config file: file not found`);
  });

  it('refuses a file over 1 MiB by its size, without reading it', async () => {
    const path = join(directory, 'huge.yaml');
    await writeFile(path, `# ${'x'.repeat(2 * 1024 * 1024)}\n`);
    const started = performance.now();
    const error = await loadMonitorConfigFile({ path, env: {} }).catch((caught: unknown) => caught);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toBe(
      `${path}: the config file is 2 MiB, over the 1 MiB limit for a config file`,
    );
  });

  it('stops reading an endless device one byte past the limit', async () => {
    const error = await loadMonitorConfigFile({ path: '/dev/zero', env: {} }).catch(
      (caught: unknown) => caught,
    );
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).message).toBe(
      '/dev/zero: the config file is more than 1 MiB, over the 1 MiB limit for a config file',
    );
  });

  it('turns a recursive alias into a ConfigError with its line', async () => {
    const path = join(directory, 'recursive.yaml');
    await writeFile(path, 'monitoring:\n  containers: &list\n    - name: web\n    - *list\n');
    const error = await loadMonitorConfigFile({ path, env: {} }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as ConfigError).issues[0]).toEqual({
      path: 'monitoring.containers[1]',
      line: 4,
      message:
        'alias *list is inside the value it names (&list, from line 3): a config value cannot contain itself',
    });
  });

  it('loads the shipped example config', async () => {
    const path = new URL('../../../../examples/config.yaml', import.meta.url).pathname;
    const config = await loadMonitorConfigFile({ path, env: {} });
    expect(config.monitoring.discovery).toBe('all');
    expect(config.healing.autoFixActions).toContain('restart_container');
  });
});
