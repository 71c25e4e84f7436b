import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createDockerRuntime } from './create-docker-runtime.js';

describe('info() on the real engine', () => {
  it('answers the ID `docker info` shows: the key of the one-agent-per-engine lease', async () => {
    await using runtime = createDockerRuntime();
    const expected = execFileSync('docker', ['info', '--format', '{{.ID}}'], { encoding: 'utf8' }).trim();
    const info = await runtime.info?.();
    expect(info?.id).toBe(expected);
    expect(info?.serverVersion).not.toBe('');
  });
});
