import { describe, expect, it } from 'vitest';
import { cpuTimed } from '../internal/cpu-time.test-helper.js';
import { isAllowedHostPattern } from './allowed-host.js';
import { parseMonitorConfig, validateConfigText } from './parse-monitor-config.js';

describe('api.allowed_hosts', () => {
  it('reads names, wildcards and addresses, lower-cased, default none', () => {
    expect(parseMonitorConfig({ text: '', env: {} }).api.allowedHosts).toEqual([]);
    const config = parseMonitorConfig({
      text: 'api:\n  allowed_hosts:\n    - Monitor.Example.com\n    - "*.internal.example"\n    - 192.168.1.10\n    - "[fd00::1]"\n',
      env: {},
    });
    expect(config.api.allowedHosts).toEqual([
      'monitor.example.com',
      '*.internal.example',
      '192.168.1.10',
      '[fd00::1]',
    ]);
  });

  it('refuses an entry that is no host name, with its line', () => {
    const result = validateConfigText({
      text: 'api:\n  allowed_hosts:\n    - ok.example\n    - "http://evil.example/"\n',
      env: {},
    });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toEqual([
      expect.objectContaining({ path: 'api.allowed_hosts[1]', line: 4 }),
    ]);
  });

  it('knows a pattern from the rest in linear time', () => {
    for (const entry of ['*', 'a', 'localhost', 'a-b.example', '*.example.com', '10.0.0.1', '::1', '[::1]']) {
      expect(isAllowedHostPattern(entry), entry).toBe(true);
    }
    for (const entry of [
      '',
      '*.',
      '-a.example',
      'a..b',
      'a b',
      'a:80',
      'http://a',
      '**.a',
      'x'.repeat(300),
    ]) {
      expect(isAllowedHostPattern(entry), entry).toBe(false);
    }
    const { result, ms } = cpuTimed(() => isAllowedHostPattern(`${'a.'.repeat(120)}-`));
    expect(result).toBe(false);
    expect(ms).toBeLessThan(50);
  });
});
