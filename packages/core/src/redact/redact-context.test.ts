import { describe, expect, it } from 'vitest';
import { makeDiagnosisContext } from '../diagnose/diagnosis-context-fixture.test-helper.js';
import type { ContainerDetails } from '../domain/container.js';
import { cpuTimed } from '../internal/cpu-time.test-helper.js';
import { recordRedactor } from './record-redactor.js';
import { redactContext } from './redact-context.js';

const container: ContainerDetails = {
  id: 'c1',
  name: 'web',
  image: 'acme/web:1',
  state: 'exited',
  labels: {},
  imageId: 'sha256:1',
  exitCode: 1,
  oomKilled: false,
  restartCount: 0,
  startedAt: null,
  finishedAt: null,
  error: '',
  health: { status: 'none', failingStreak: 0, log: [] },
  restartPolicy: { name: 'no', maximumRetryCount: 0 },
  networkMode: 'bridge',
  ports: [],
  env: [],
};

describe('redactContext', () => {
  it('masks environment values everywhere, keeps their names, and redacts every string deeply', () => {
    const dbPassword = ['Tr0ub4dor', '-and-3'].join('');
    const token = ['gh', 'p_', 'R4nd0mT0k3nV4lu3Abc123Def456Ghi789Jk'].join('');
    const base = makeDiagnosisContext({});
    const context = {
      ...base,
      container: {
        ...container,
        env: [`DB_PASSWORD=${dbPassword}`, 'NODE_ENV=production', 'PORT=8080', 'EMPTY'],
        labels: { 'deploy.token': token },
      },
      logTail: [`connecting with ${dbPassword}`, 'listening on 8080'],
      errorLines: [`auth failed for ${token}`],
    };
    const redacted = redactContext(context);
    const text = JSON.stringify(redacted);
    expect(text).not.toContain(dbPassword);
    expect(text).not.toContain(token);
    expect(redacted.container?.env).toEqual([
      'DB_PASSWORD=[REDACTED:env_value]',
      'NODE_ENV=[REDACTED:env_value]',
      'PORT=[REDACTED:env_value]',
      'EMPTY',
    ]);
    expect(redacted.logTail).toEqual(['connecting with [REDACTED:env_value]', 'listening on 8080']);
    // A label whose name says token is one of the container's own secrets, like DB_PASSWORD.
    expect(redacted.errorLines).toEqual(['auth failed for [REDACTED:env_value]']);
    expect(redacted.container?.labels).toEqual({ 'deploy.token': '[REDACTED:env_value]' });
    expect(redacted.incident.id).toBe(context.incident.id);
    expect(redacted.verdict.metrics).toEqual(context.verdict.metrics);
  });
});

describe('redactContext bounds what it scans', () => {
  it('cuts a 512 KB label to a marked 16 KiB before scanning it, and masks the known secrets in it', () => {
    const password = ['Tr0ub4dor', '-and-3'].join('');
    const label = `${password} ${'QUJDRA'.repeat(90_000)}`;
    const context = {
      ...makeDiagnosisContext({}),
      container: { ...container, env: [`DB_PASSWORD=${password}`], labels: { huge: label } },
    };
    const { result: redacted, ms: took } = cpuTimed(() => redactContext(context));
    const kept = redacted.container?.labels.huge ?? '';
    expect(kept.startsWith('[REDACTED:env_value] QUJDRA')).toBe(true);
    expect(kept).toMatch(/…\[truncated \d+ chars\]$/);
    expect(kept.length).toBeLessThanOrEqual(16 * 1024);
    expect(JSON.stringify(redacted)).not.toContain(password);
    expect(took).toBeLessThan(1_000);
  });

  it('keeps a context already redacted as it is', () => {
    const context = {
      ...makeDiagnosisContext({}),
      container: { ...container, env: ['API_TOKEN=abcd-1234-efgh'] },
      logTail: ['token abcd-1234-efgh rejected', `password=${'hunter'}2-prod`],
    };
    const once = redactContext(context);
    expect(redactContext(once)).toEqual(once);
  });

  it("keeps an incident its container's record redactor masked as it is, and counts it against the total", () => {
    const withSecret = { ...container, id: 'c-marked', env: ['DB_PASSWORD=Tr0ub4dor-and-3'] };
    const base = makeDiagnosisContext({});
    const incident = recordRedactor(withSecret).incident({
      ...base.incident,
      problems: [{ kind: 'container_stopped', message: 'login with Tr0ub4dor-and-3 refused' }],
    });
    expect(incident.problems[0]?.message).toBe('login with [REDACTED:env_value] refused');
    const redacted = redactContext({ ...base, container: withSecret, incident });
    // The very object: not copied, not scanned again.
    expect(redacted.incident).toBe(incident);
  });

  it("scans a record masked without the container's secrets again, with them", () => {
    const withSecret = { ...container, id: 'c-late', env: ['DB_PASSWORD=Tr0ub4dor-and-3'] };
    const base = makeDiagnosisContext({});
    // Masked while the container's details were unknown: patterns only, its password still there.
    const incident = recordRedactor(null).incident({
      ...base.incident,
      problems: [{ kind: 'container_stopped', message: 'login with Tr0ub4dor-and-3 refused' }],
    });
    expect(incident.problems[0]?.message).toContain('Tr0ub4dor-and-3');
    const redacted = redactContext({ ...base, container: withSecret, incident });
    expect(redacted.incident.problems[0]?.message).toBe('login with [REDACTED:env_value] refused');
  });

  it('cuts an already masked record like any other when it does not fit in what is left of the total', () => {
    const base = makeDiagnosisContext({});
    const long = 'x '.repeat(100_000);
    const incident = recordRedactor(container).incident({
      ...base.incident,
      problems: Array.from({ length: 40 }, () => ({ kind: 'container_stopped' as const, message: long })),
    });
    const redacted = redactContext({ ...base, container, incident });
    expect(JSON.stringify(redacted).length).toBeLessThan(300 * 1024);
    expect(redacted.incident.problems.at(-1)?.message).toMatch(/^…\[truncated \d+ chars\]$/);
  });
});
