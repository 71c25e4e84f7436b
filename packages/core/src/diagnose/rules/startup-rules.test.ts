import { describe, expect, it } from 'vitest';
import { makeDiagnosisContext, stopped } from '../diagnosis-context-fixture.test-helper.js';
import { badConfigRule, portInUseRule } from './startup-rules.js';

const exited = (exitCode: number, logTail: readonly string[] = []) =>
  makeDiagnosisContext({ problems: [stopped(exitCode)], metrics: { state: 'exited', exitCode }, logTail });

describe('bad_config', () => {
  it.each([
    'Error: failed to parse config /etc/app.yaml',
    'FATAL missing required environment variable DATABASE_URL',
    'yaml: line 3: mapping values are not allowed in this context',
  ])('asks for a configuration change when a stopped container logs "%s"', (line) => {
    const finding = badConfigRule.match(exited(1, ['starting', line]));
    expect(finding).toMatchObject({
      recommendedAction: 'configuration_change',
      urgency: 'high',
      confidence: 80,
    });
    expect(finding?.reasoning).toContain('exited with code 1');
  });

  it.each([126, 127])('calls exit %i a command that cannot run', (exitCode) => {
    expect(badConfigRule.match(exited(exitCode))).toMatchObject({
      recommendedAction: 'configuration_change',
      confidence: 75,
    });
  });

  it('matches a crash loop with the pattern', () => {
    const context = makeDiagnosisContext({
      problems: [{ kind: 'crash_loop', message: 'restarting' }],
      metrics: { state: 'restarting', exitCode: 78 },
      logTail: ['invalid configuration: port must be a number'],
    });
    expect(badConfigRule.match(context)?.recommendedAction).toBe('configuration_change');
  });

  it('ignores config words in the logs of a running service, and a clean exit', () => {
    expect(
      badConfigRule.match(makeDiagnosisContext({ logTail: ['config error in request'] })),
    ).toBeUndefined();
    expect(badConfigRule.match(exited(0, ['config error']))).toBeUndefined();
    expect(badConfigRule.match(exited(1, ['segfault']))).toBeUndefined();
  });
});

describe('port_in_use', () => {
  it.each(['Error: listen EADDRINUSE: address already in use :::8080', 'bind: address already in use'])(
    'leaves "%s" to a person',
    (line) => {
      expect(portInUseRule.match(exited(1, [line]))).toMatchObject({
        recommendedAction: 'manual',
        urgency: 'high',
        confidence: 75,
      });
    },
  );

  it('does not match a running container', () => {
    expect(portInUseRule.match(makeDiagnosisContext({ logTail: ['EADDRINUSE'] }))).toBeUndefined();
  });
});
