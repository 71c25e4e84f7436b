import { MonitorError } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { hasAutohealEnvironment, readAutohealEnvironment } from './autoheal-environment.js';

/** The usage error's lines after its first, one per bad variable. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    readAutohealEnvironment(env);
  } catch (error) {
    expect(MonitorError.isInstance(error) && error.code).toBe('usage');
    return (error as Error).message
      .split('\n')
      .slice(1)
      .map((line) => line.trim());
  }
  throw new Error('expected a usage error');
}

describe('readAutohealEnvironment', () => {
  it('has autoheal\'s defaults, and a variable set to "" means its default (as with VAR:-default)', () => {
    const defaults = {
      containerLabel: 'autoheal',
      intervalSeconds: 5,
      startPeriodSeconds: 0,
      defaultStopTimeoutSeconds: 10,
      onlyMonitorRunning: false,
      webhookUrl: undefined,
      webhookJsonKey: 'text',
      appriseUrl: undefined,
      dockerHost: undefined,
      curlTimeoutSeconds: undefined,
      given: [],
    };
    expect(readAutohealEnvironment({})).toEqual(defaults);
    expect(readAutohealEnvironment({ AUTOHEAL_INTERVAL: '', AUTOHEAL_CONTAINER_LABEL: '  ' })).toEqual(
      defaults,
    );
  });

  it('reads every variable autoheal reads', () => {
    const environment = readAutohealEnvironment({
      AUTOHEAL_CONTAINER_LABEL: 'all',
      AUTOHEAL_INTERVAL: '30s',
      AUTOHEAL_START_PERIOD: '1m',
      AUTOHEAL_DEFAULT_STOP_TIMEOUT: '20',
      AUTOHEAL_ONLY_MONITOR_RUNNING: 'true',
      WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/secret-token',
      WEBHOOK_JSON_KEY: 'content',
      APPRISE_URL: 'http://apprise:8000/notify/apprise',
      DOCKER_SOCK: '/run/user/1000/docker.sock',
      CURL_TIMEOUT: '15',
    });
    expect(environment).toMatchObject({
      containerLabel: 'all',
      intervalSeconds: 30,
      startPeriodSeconds: 60,
      defaultStopTimeoutSeconds: 20,
      onlyMonitorRunning: true,
      webhookUrl: 'https://hooks.slack.com/services/T0/B0/secret-token',
      webhookJsonKey: 'content',
      appriseUrl: 'http://apprise:8000/notify/apprise',
      dockerHost: 'unix:///run/user/1000/docker.sock',
      curlTimeoutSeconds: 15,
    });
    // Webhook URLs are secrets (Slack's path is the token): only their origin is shown.
    expect(environment.given).toContain('WEBHOOK_URL=https://hooks.slack.com/…');
    expect(environment.given.join(' ')).not.toContain('secret-token');
  });

  it('takes a custom label name, tcp:// and unix:// engines, and leaves DOCKER_SOCK to DOCKER_HOST when that is set', () => {
    expect(
      readAutohealEnvironment({ AUTOHEAL_CONTAINER_LABEL: 'com.example.autoheal-app' }).containerLabel,
    ).toBe('com.example.autoheal-app');
    expect(readAutohealEnvironment({ DOCKER_SOCK: 'tcp://10.0.0.2:2375' }).dockerHost).toBe(
      'tcp://10.0.0.2:2375',
    );
    expect(readAutohealEnvironment({ DOCKER_SOCK: 'unix:///var/run/docker.sock' }).dockerHost).toBe(
      'unix:///var/run/docker.sock',
    );
    expect(
      readAutohealEnvironment({ DOCKER_SOCK: '/var/run/docker.sock', DOCKER_HOST: 'tcp://proxy:2375' })
        .dockerHost,
    ).toBeUndefined();
  });

  it('names every bad variable at once, one line each, in one usage error', () => {
    expect(
      problemsOf({
        AUTOHEAL_CONTAINER_LABEL: 'autoheal=true',
        AUTOHEAL_INTERVAL: 'soon',
        AUTOHEAL_START_PERIOD: '-5',
        AUTOHEAL_DEFAULT_STOP_TIMEOUT: '2.5',
        AUTOHEAL_ONLY_MONITOR_RUNNING: 'maybe',
        WEBHOOK_URL: 'ftp://example.com/hook',
        CURL_TIMEOUT: '0',
      }),
    ).toEqual([
      'AUTOHEAL_CONTAINER_LABEL: expected a label name such as autoheal (its value must be true), or all, got "autoheal=true"',
      'AUTOHEAL_INTERVAL: expected a number of seconds above 0, at most a day (5, 2.5, 30s, 1m), got "soon"',
      'AUTOHEAL_START_PERIOD: expected a number of seconds 0 or more, at most a day (5, 2.5, 30s, 1m), got "-5"',
      'AUTOHEAL_DEFAULT_STOP_TIMEOUT: expected whole seconds, 0 to 9999, got "2.5"',
      'AUTOHEAL_ONLY_MONITOR_RUNNING: expected true or false, got "maybe"',
      'WEBHOOK_URL: expected an http:// or https:// URL, got "ftp://example.com/…"',
      'CURL_TIMEOUT: expected a number of seconds above 0, got "0"',
    ]);
    expect(problemsOf({ AUTOHEAL_INTERVAL: '0' })).toEqual([
      'AUTOHEAL_INTERVAL: expected a number of seconds above 0, at most a day (5, 2.5, 30s, 1m), got "0"',
    ]);
  });

  it('refuses what it cannot do as autoheal did, saying what to do instead', () => {
    expect(problemsOf({ POST_RESTART_SCRIPT: '/hooks/after.sh' })).toEqual([
      expect.stringMatching(/^POST_RESTART_SCRIPT: not supported; .*custom_script/),
    ]);
    expect(problemsOf({ DOCKER_SOCK: 'tcps://docker:2376' })).toEqual([
      expect.stringMatching(/^DOCKER_SOCK: tcps:\/\/ .* DOCKER_HOST=tcp:\/\/HOST:2376, DOCKER_TLS_VERIFY=1/),
    ]);
    expect(problemsOf({ WEBHOOK_JSON_KEY: 'incident' })).toEqual([
      expect.stringMatching(/^WEBHOOK_JSON_KEY: expected a key our payload does not use itself/),
    ]);
    expect(problemsOf({ DOCKER_SOCK: 'docker.sock' })).toEqual([
      'DOCKER_SOCK: expected a socket path such as /var/run/docker.sock, or tcp://HOST:PORT, got "docker.sock"',
    ]);
  });

  it('quotes a hostile value on one bounded line', () => {
    const [line] = problemsOf({ AUTOHEAL_INTERVAL: `5\n${'x'.repeat(10_000)}` });
    expect(line).toMatch(/^AUTOHEAL_INTERVAL: .*got "5\\x0axxx+…"$/);
    expect(line!.length).toBeLessThan(200);
  });
});

describe('hasAutohealEnvironment', () => {
  it('is true when any AUTOHEAL_* variable has a value; WEBHOOK_URL or DOCKER_SOCK alone do not count', () => {
    expect(hasAutohealEnvironment({ AUTOHEAL_CONTAINER_LABEL: 'all' })).toBe(true);
    expect(hasAutohealEnvironment({ AUTOHEAL_INTERVAL: '5' })).toBe(true);
    expect(hasAutohealEnvironment({ AUTOHEAL_INTERVAL: '' })).toBe(false);
    expect(hasAutohealEnvironment({ WEBHOOK_URL: 'http://x/', DOCKER_SOCK: '/var/run/docker.sock' })).toBe(
      false,
    );
  });
});
