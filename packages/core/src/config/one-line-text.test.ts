import { describe, expect, it } from 'vitest';
import { formatConfigIssues } from '../errors/monitor-error.js';
import { oneLineText } from './one-line-text.js';
import { validateConfigText } from './parse-monitor-config.js';

describe('oneLineText', () => {
  it('escapes newlines, tabs and other control characters', () => {
    expect(oneLineText('multi\nline\r\n\tx\u0007\u2028')).toBe('multi\\nline\\r\\n\\tx\\x07\\u2028');
  });

  it('cuts a long text and says how long it was', () => {
    const text = oneLineText('a'.repeat(100_000));
    expect(text.length).toBeLessThan(450);
    expect(text).toMatch(/… \(100000 characters\)$/);
  });
});

describe('config issues stay one line each', () => {
  it('a block string quoted in a message does not break the line', () => {
    const result = validateConfigText({
      text: 'monitoring:\n  interval_seconds: |\n    multi\n    line\n',
      file: 'config.yaml',
    });
    expect(result.ok).toBe(false);
    for (const issue of result.issues) expect(issue.message).not.toMatch(/[\n\r]/);
    const printed = formatConfigIssues(result.issues, 'config.yaml').split('\n');
    expect(printed).toHaveLength(result.issues.length);
    expect(printed[0]).toMatch(
      /^config\.yaml:2: monitoring\.interval_seconds: expected a number, got "multi\\nline\\n"$/,
    );
  });
});
