import { ConfigError, ContainerRuntimeError, MonitorError, StoreError } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { userErrorText } from './describe-user-error.js';

describe('userErrorText', () => {
  it('prints config problems as FILE:LINE lines, without a prefix', () => {
    const error = new ConfigError(
      [
        { path: 'monitoring.interval_seconds', line: 2, message: 'must be above 0' },
        { path: 'healing.dry_run', line: 9, message: 'expected a boolean' },
      ],
      { file: 'config.yaml' },
    );
    expect(userErrorText(error)).toBe(
      'config.yaml:2: monitoring.interval_seconds: must be above 0\nconfig.yaml:9: healing.dry_run: expected a boolean',
    );
  });

  it('prints an unknown container, a missing or slow engine and a usage mistake as one error line', () => {
    expect(userErrorText(new ContainerRuntimeError('not_found', 'no container named "web"'))).toBe(
      'error: no container named "web"',
    );
    expect(
      userErrorText(new ContainerRuntimeError('unreachable', 'no Docker engine answers at unix:///x')),
    ).toBe('error: no Docker engine answers at unix:///x');
    expect(userErrorText(new ContainerRuntimeError('timeout', 'Docker did not answer within 30000 ms'))).toBe(
      'error: Docker did not answer within 30000 ms',
    );
    expect(userErrorText(new MonitorError('usage', '--timeout must be a number'))).toBe(
      'error: --timeout must be a number',
    );
  });

  it('leaves everything else to be reported as a bug, with its stack', () => {
    expect(userErrorText(new TypeError('x is undefined'))).toBeUndefined();
    expect(
      userErrorText(new ContainerRuntimeError('api', 'Docker answered with an error (HTTP 500)')),
    ).toBeUndefined();
    expect(userErrorText(new StoreError('disk full'))).toBeUndefined();
    expect(userErrorText('a string')).toBeUndefined();
  });
});
