import { describe, expect, it } from 'vitest';
import { makeDiagnosisContext, stopped } from '../diagnosis-context-fixture.test-helper.js';
import {
  containerCrashRule,
  crashLoopRule,
  dockerUnhealthyRule,
  outOfMemoryRule,
} from './container-state-rules.js';

describe('out_of_memory', () => {
  it('matches exit 137 with OOMKilled and recommends a restart with high confidence', () => {
    const finding = outOfMemoryRule.match(
      makeDiagnosisContext({
        problems: [stopped(137)],
        metrics: { state: 'exited', exitCode: 137, oomKilled: true },
      }),
    );
    expect(finding).toMatchObject({
      recommendedAction: 'restart_container',
      urgency: 'high',
      confidence: 90,
    });
    expect(finding?.diagnosis).toBe('Out of memory: the kernel killed web');
  });

  it('does not call a plain SIGKILL (exit 137 without OOMKilled) out of memory', () => {
    expect(
      outOfMemoryRule.match(
        makeDiagnosisContext({ problems: [stopped(137)], metrics: { state: 'exited', exitCode: 137 } }),
      ),
    ).toBeUndefined();
  });
});

describe('container_crash', () => {
  it('matches a non-zero exit and names the signal', () => {
    const finding = containerCrashRule.match(
      makeDiagnosisContext({ problems: [stopped(139)], metrics: { state: 'exited', exitCode: 139 } }),
    );
    expect(finding).toMatchObject({
      recommendedAction: 'restart_container',
      urgency: 'high',
      confidence: 75,
    });
    expect(finding?.diagnosis).toBe('web crashed with exit code 139 (signal 11)');
  });

  it('is less sure about a clean exit 0', () => {
    const finding = containerCrashRule.match(
      makeDiagnosisContext({ problems: [stopped(0)], metrics: { state: 'exited', exitCode: 0 } }),
    );
    expect(finding).toMatchObject({ recommendedAction: 'restart_container', confidence: 60 });
  });

  it('does not match a running container', () => {
    expect(containerCrashRule.match(makeDiagnosisContext({}))).toBeUndefined();
  });
});

describe('crash_loop', () => {
  it('asks a person after three restarts within the hour', () => {
    expect(crashLoopRule.match(makeDiagnosisContext({ recentRestarts: 2 }))).toBeUndefined();
    const finding = crashLoopRule.match(makeDiagnosisContext({ recentRestarts: 3 }));
    expect(finding).toMatchObject({ recommendedAction: 'manual', urgency: 'high', confidence: 80 });
    expect(finding?.reasoning).toContain('restarted 3 time(s) in the last hour');
  });

  it('matches a crash_loop problem from the checks', () => {
    const problems = [{ kind: 'crash_loop' as const, message: 'restarting repeatedly' }];
    expect(crashLoopRule.match(makeDiagnosisContext({ problems }))?.recommendedAction).toBe('manual');
  });
});

describe('docker_unhealthy', () => {
  it('recommends a restart when the HEALTHCHECK fails', () => {
    const finding = dockerUnhealthyRule.match(
      makeDiagnosisContext({
        problems: [{ kind: 'docker_unhealthy', message: 'HEALTHCHECK failing' }],
        metrics: { dockerHealth: 'unhealthy' },
      }),
    );
    expect(finding).toMatchObject({
      recommendedAction: 'restart_container',
      urgency: 'medium',
      confidence: 65,
    });
  });

  it('does not match a healthy HEALTHCHECK', () => {
    expect(
      dockerUnhealthyRule.match(makeDiagnosisContext({ metrics: { dockerHealth: 'healthy' } })),
    ).toBeUndefined();
  });
});
