import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/monitor-error.js';
import { parseMonitorConfig } from './parse-monitor-config.js';

// Issue 12, item 5: healing.storm_concurrent_restarts, the most slots a long restart line opens.
describe('healing.storm_concurrent_restarts', () => {
  it('defaults to 16, and never below a steady limit set above it', () => {
    expect(parseMonitorConfig({ text: '', env: {} }).healing.stormConcurrentRestarts).toBe(16);
    const raised = parseMonitorConfig({ text: 'healing:\n  max_concurrent_restarts: 24\n', env: {} });
    expect(raised.healing.stormConcurrentRestarts).toBe(24);
    const set = parseMonitorConfig({ text: 'healing:\n  storm_concurrent_restarts: 8\n', env: {} });
    expect(set.healing.stormConcurrentRestarts).toBe(8);
  });

  it('refuses a storm limit below the steady one, naming both, and a non-positive or fractional one', () => {
    const issuesOf = (text: string) => {
      try {
        parseMonitorConfig({ text, file: 'monitor.yaml', env: {} });
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).issues.map(({ path, line, message }) => `${line} ${path}: ${message}`);
      }
      throw new Error('no ConfigError');
    };
    expect(issuesOf('healing:\n  max_concurrent_restarts: 4\n  storm_concurrent_restarts: 3\n')).toEqual([
      expect.stringMatching(
        /^3 healing\.storm_concurrent_restarts: storm_concurrent_restarts \(3\) is smaller than max_concurrent_restarts \(4\)/,
      ),
    ]);
    expect(issuesOf('healing:\n  storm_concurrent_restarts: 0\n')).toEqual([
      expect.stringMatching(/^2 healing\.storm_concurrent_restarts: /),
    ]);
    expect(issuesOf('healing:\n  storm_concurrent_restarts: 2.5\n')).toEqual([
      expect.stringMatching(/^2 healing\.storm_concurrent_restarts: expected an integer/),
    ]);
  });
});
