import { describe, expect, it } from 'vitest';
import { parseMonitorConfig, validateConfigText } from './parse-monitor-config.js';

function issuesOf(text: string) {
  const result = validateConfigText({ text, env: {} });
  return result.ok ? [] : result.issues.map(({ path, line, message }) => ({ path, line, message }));
}

describe('host: and hosts.report_interval (issue 12, item 1)', () => {
  it('are optional: no host (the engine names it) and a 15 s report interval', () => {
    const config = parseMonitorConfig({ text: '', env: {} });
    expect(config.host).toBeUndefined();
    expect(config.hosts).toEqual({ reportIntervalSeconds: 15 });
  });

  it('take a host name and an interval', () => {
    const config = parseMonitorConfig({
      text: 'host: web-1.example\nhosts:\n  report_interval: 5\n',
      env: {},
    });
    expect(config.host).toBe('web-1.example');
    expect(config.hosts).toEqual({ reportIntervalSeconds: 5 });
  });

  it('refuse a host name that is empty, too long, padded, unprintable or *, at its path and line', () => {
    const cases: [string, string][] = [
      ['host: ""\n', 'empty'],
      [`host: ${'x'.repeat(254)}\n`, 'at most 253 characters'],
      ['host: " web"\n', 'no spaces at either end'],
      ['host: "a\\u0007b"\n', 'printable'],
      ['host: "*"\n', 'every host'],
      ['host: 12\n', 'string'],
    ];
    for (const [text, message] of cases) {
      const issues = issuesOf(`monitoring:\n  interval_seconds: 30\n${text}`);
      expect(issues, text).toHaveLength(1);
      expect(issues[0]).toMatchObject({ path: 'host', line: 3 });
      expect(issues[0]?.message, text).toContain(message);
    }
  });

  it('refuse a report interval outside 1..3600 seconds', () => {
    expect(issuesOf('hosts:\n  report_interval: 0\n')).toMatchObject([
      { path: 'hosts.report_interval', line: 2 },
    ]);
    expect(issuesOf('hosts:\n  report_interval: 7200\n')).toMatchObject([
      { path: 'hosts.report_interval', line: 2 },
    ]);
    expect(issuesOf('hosts:\n  report_intervall: 5\n')[0]?.message).toContain(
      'did you mean "report_interval"',
    );
  });
});
