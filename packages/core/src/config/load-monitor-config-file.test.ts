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

  it('loads the shipped example config', async () => {
    const path = new URL('../../../../examples/config.yaml', import.meta.url).pathname;
    const config = await loadMonitorConfigFile({ path, env: {} });
    expect(config.monitoring.discovery).toBe('all');
    expect(config.healing.autoFixActions).toContain('restart_container');
  });
});
