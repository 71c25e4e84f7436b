import { describe, expect, it } from 'vitest';
import { createJsonLogger } from './json-logger.js';

function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
  const lines: string[] = [];
  const logger = createJsonLogger({ ...(level ? { level } : {}), write: (line) => lines.push(line) });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('createJsonLogger', () => {
  it('writes one JSON object per line with an upper-case level, an ISO time and the event', () => {
    const { logger, lines, records } = capture();
    logger.log('error', 'healing_attempt', { container: 'web', attempt: 2 });
    logger.log('info', 'check_failed', { container: 'db' });

    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
    const [first, second] = records();
    expect(first).toEqual({
      level: 'ERROR',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      event: 'healing_attempt',
      container: 'web',
      attempt: 2,
    });
    expect(second?.level).toBe('INFO');
    expect(Object.keys(first ?? {}).slice(0, 3)).toEqual(['level', 'time', 'event']);
    // What `| grep ERROR` and `| grep healing_attempt` rely on.
    expect(lines[0]).toContain('"level":"ERROR"');
    expect(lines[0]).toContain('"event":"healing_attempt"');
  });

  it('drops entries below the chosen level', () => {
    const { logger, records } = capture('warn');
    logger.log('debug', 'probe_sent');
    logger.log('info', 'check_passed');
    logger.log('warn', 'slow_response');
    logger.log('error', 'healing_failed');
    expect(records().map((record) => [record.level, record.event])).toEqual([
      ['WARN', 'slow_response'],
      ['ERROR', 'healing_failed'],
    ]);
  });

  it('defaults to info', () => {
    const { logger, records } = capture();
    logger.log('debug', 'probe_sent');
    logger.log('info', 'check_passed');
    expect(records().map((record) => record.event)).toEqual(['check_passed']);
  });

  it('redacts secret-looking keys at any depth and keeps the rest', () => {
    const { logger, lines, records } = capture();
    logger.log('info', 'notifier_configured', {
      password: 'hunter2',
      apiKey: 'sk-ant-api03-abc',
      webhook: {
        url: 'https://hooks.example/x',
        headers: { Authorization: 'Bearer abc.def', Accept: '*/*' },
      },
      targets: [{ name: 'slack', slack_token: 'xoxb-123' }],
      db: { connection: { dbPassword: 'pw', host: 'db' } },
      inputTokens: 1200,
      container: 'web',
    });
    const [record] = records();
    expect(record).toMatchObject({
      password: '[redacted]',
      apiKey: '[redacted]',
      webhook: { url: 'https://hooks.example/x', headers: { Authorization: '[redacted]', Accept: '*/*' } },
      targets: [{ name: 'slack', slack_token: '[redacted]' }],
      db: { connection: { dbPassword: '[redacted]', host: 'db' } },
      inputTokens: 1200,
      container: 'web',
    });
    for (const secret of ['hunter2', 'sk-ant-api03-abc', 'Bearer abc.def', 'xoxb-123', '"pw"']) {
      expect(lines[0]).not.toContain(secret);
    }
  });

  it('masks secrets inside string values, not only under secret-named keys (issue 10, item 7)', () => {
    const { lines, logger } = capture();
    const awsId = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
    const awsSecret = ['wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYEXAMPLEKEY'].join('');
    const scriptOutput = `deploying with aws ${awsId} ${awsSecret}\nDB_PASSWORD=hunter2-prod ok`;
    logger.log('info', 'healing_result', {
      container: 'web',
      detail: scriptOutput,
      nested: [{ text: scriptOutput }],
    });
    for (const secret of [awsId, awsSecret, 'hunter2-prod']) expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain('deploying with aws [REDACTED:aws_key] [REDACTED:high_entropy]');
    expect(lines[0]).toContain('DB_PASSWORD=[REDACTED:secret_value] ok');
  });

  it('bounds a huge string field and says how much it left out', () => {
    const { lines, logger } = capture();
    logger.log('info', 'x', { detail: 'a '.repeat(200_000) });
    expect(lines[0]?.length).toBeLessThan(90_000);
    expect(lines[0]).toMatch(/…\[truncated \d+ chars\]/);
  });

  it('does not change the caller’s fields while redacting', () => {
    const { logger } = capture();
    const fields = { nested: { token: 'abc' } };
    logger.log('info', 'x', fields);
    expect(fields.nested.token).toBe('abc');
  });

  it('serializes an error field with its message and type', () => {
    const { logger, records } = capture();
    logger.log('error', 'store_write_failed', { error: new TypeError('boom') });
    expect(records()[0]?.error).toMatchObject({ type: 'TypeError', message: 'boom' });
  });

  it('keeps the event name when a field is also called event', () => {
    const { logger, records } = capture();
    logger.log('info', 'container_event_seen', { event: 'die', container: 'web' });
    expect(records()[0]?.event).toBe('container_event_seen');
  });
});
