import { describe, expect, it } from 'vitest';
import { httpFailed, makeDiagnosisContext, stopped } from '../diagnosis-context-fixture.test-helper.js';
import { missingBinaryRule, missingConfigRule, portInUseRule } from './startup-rules.js';

const exited = (exitCode: number, logTail: readonly string[] = []) =>
  makeDiagnosisContext({ problems: [stopped(exitCode)], metrics: { state: 'exited', exitCode }, logTail });

describe('missing_config', () => {
  it.each([
    [
      'FATAL missing required environment variable DATABASE_URL',
      'missing required environment variable DATABASE_URL',
    ],
    ["KeyError: 'DATABASE_URL'", 'missing required environment variable DATABASE_URL'],
    [
      'Error: Database is uninitialized and superuser password is not specified.',
      'missing required environment variable POSTGRES_PASSWORD',
    ],
    [`Could not resolve placeholder 'db.url' in value "\${db.url}"`, 'missing required setting db.url'],
    [
      'nginx: [emerg] unknown directive "proxy_passs" in /etc/nginx/conf.d/default.conf:7',
      'unknown directive in /etc/nginx/conf.d/default.conf',
    ],
    ['FATAL:  password authentication failed for user "shop"', 'wrong database credentials'],
    ['Error: failed to parse config /etc/app.yaml', 'its configuration does not parse in /etc/app.yaml'],
  ])('names the configuration problem in "%s"', (line, detail) => {
    const finding = missingConfigRule.match(exited(1, ['starting', line]));
    expect(finding).toMatchObject({
      cause: 'missing_config',
      recommendedAction: 'configuration_change',
      urgency: 'high',
      confidence: 80,
    });
    expect(finding?.diagnosis).toBe(`web cannot start: ${detail} (exit code 1)`);
    expect(finding?.reasoning).toMatch(
      /^The log tail contains "[^"]+" \(line 2 of 2\) and the container is not running/,
    );
  });

  it('matches a crash loop Docker keeps restarting', () => {
    const context = makeDiagnosisContext({
      problems: [{ kind: 'crash_loop', message: 'restarting' }],
      metrics: { state: 'restarting', exitCode: 78 },
      logTail: ['invalid configuration: port must be a number'],
    });
    expect(missingConfigRule.match(context)?.diagnosis).toBe(
      'web cannot start: invalid configuration (exit code 78)',
    );
  });

  it('ignores config words in the logs of a running service, and a clean exit', () => {
    expect(
      missingConfigRule.match(makeDiagnosisContext({ logTail: ['config error in request'] })),
    ).toBeUndefined();
    expect(missingConfigRule.match(exited(0, ['config error']))).toBeUndefined();
    expect(missingConfigRule.match(exited(1, ['segfault']))).toBeUndefined();
  });
});

describe('port_in_use', () => {
  it.each([
    [
      'Error: listen EADDRINUSE: address already in use :::8080',
      'port 8080 is already in use (EADDRINUSE, exit code 1)',
    ],
    [
      'nginx: [emerg] bind() to 0.0.0.0:80 failed (98: Address already in use)',
      'port 80 is already in use (EADDRINUSE, exit code 1)',
    ],
    [
      'Web server failed to start. Port 8443 was already in use.',
      'port 8443 is already in use (exit code 1)',
    ],
    ['OSError: [Errno 98] Address already in use', 'its port is already in use (EADDRINUSE, exit code 1)'],
  ])('leaves "%s" to a person, naming the port', (line, detail) => {
    const finding = portInUseRule.match(exited(1, [line]));
    expect(finding).toMatchObject({
      cause: 'port_in_use',
      recommendedAction: 'manual',
      urgency: 'high',
      confidence: 80,
    });
    expect(finding?.diagnosis).toBe(`web cannot start: ${detail}`);
  });

  it('also explains a running container whose server never answers', () => {
    const context = makeDiagnosisContext({
      problems: [httpFailed()],
      metrics: { httpStatus: undefined },
      logTail: ['listen tcp :8080: bind: address already in use'],
    });
    expect(portInUseRule.match(context)?.diagnosis).toBe(
      'web does not answer its health check: port 8080 is already in use (EADDRINUSE)',
    );
  });

  it('does not match a running container that answers', () => {
    expect(portInUseRule.match(makeDiagnosisContext({ logTail: ['EADDRINUSE'] }))).toBeUndefined();
  });
});

describe('missing_binary', () => {
  it.each([
    ["Error: Cannot find module '/app/server.js'", 'module not found: /app/server.js (exit code 1)'],
    ['exec /usr/local/bin/app: exec format error', 'exec format error: /usr/local/bin/app (exit code 1)'],
    [
      'standard_init_linux.go:228: exec user process caused: no such file or directory',
      'entrypoint not found (exit code 1)',
    ],
  ])('asks for a configuration change for "%s"', (line, detail) => {
    const finding = missingBinaryRule.match(exited(1, [line]));
    expect(finding).toMatchObject({
      cause: 'missing_binary',
      recommendedAction: 'configuration_change',
      confidence: 80,
    });
    expect(finding?.diagnosis).toBe(`web cannot start: ${detail}`);
  });

  it.each([126, 127])('reads exit %i alone as a command that cannot run', (exitCode) => {
    expect(missingBinaryRule.match(exited(exitCode))).toMatchObject({
      cause: 'missing_binary',
      recommendedAction: 'configuration_change',
      confidence: 75,
      diagnosis: `web cannot start: ${exitCode === 127 ? 'command not found' : 'command not executable'} (exit code ${exitCode})`,
    });
  });

  it("reads the engine's error when the process never logged anything", () => {
    const base = exited(127);
    const context = {
      ...base,
      container: {
        id: 'c1',
        name: 'web',
        image: 'web:1',
        state: 'exited' as const,
        labels: {},
        imageId: 'sha256:1',
        exitCode: 127,
        oomKilled: false,
        restartCount: 0,
        startedAt: null,
        finishedAt: null,
        error: 'OCI runtime create failed: exec: "gunicorn": executable file not found in $PATH: unknown',
        health: { status: 'none' as const, failingStreak: 0, log: [] },
        restartPolicy: { name: 'no', maximumRetryCount: 0 },
        networkMode: 'bridge',
        ports: [],
        env: [],
      },
    };
    const finding = missingBinaryRule.match(context);
    expect(finding?.diagnosis).toBe('web cannot start: executable not found: gunicorn (exit code 127)');
    expect(finding?.reasoning).toMatch(/^The engine's error message for the container contains/);
  });

  it('does not match a running container', () => {
    expect(missingBinaryRule.match(makeDiagnosisContext({ logTail: ['command not found'] }))).toBeUndefined();
  });
});
