import { describe, expect, it } from 'vitest';
import { expectDockerRestart } from './docker-restart-policy.js';

const policy = (name: string, maximumRetryCount = 0) => ({ name, maximumRetryCount });

describe('expectDockerRestart', () => {
  it.each([
    ['no', policy('no'), 1, 0, false],
    ['empty policy name (the API default)', policy(''), 1, 0, false],
    ['always after a crash', policy('always'), 137, 0, true],
    ['always after a clean exit', policy('always'), 0, 5, true],
    ['unless-stopped after a crash', policy('unless-stopped'), 1, 0, true],
    ['unless-stopped after a clean exit', policy('unless-stopped'), 0, 0, true],
    ['on-failure after a failure, no retry limit', policy('on-failure'), 1, 100, true],
    ['on-failure after a clean exit', policy('on-failure'), 0, 0, false],
    ['on-failure:3 with retries left', policy('on-failure', 3), 2, 2, true],
    ['on-failure:3 with retries used up', policy('on-failure', 3), 2, 3, false],
    ['on-failure with an unknown exit code', policy('on-failure'), null, 0, false],
    ['an unknown policy name', policy('sometimes'), 1, 0, false],
  ])('%s -> %s', (_name, restartPolicy, exitCode, restartCount, expected) => {
    expect(expectDockerRestart({ restartPolicy, exitCode, restartCount, stoppedByOperator: false })).toBe(
      expected,
    );
  });

  it.each(['always', 'unless-stopped', 'on-failure'])(
    'expects no restart by %s after a person stopped or killed the container',
    (name) => {
      expect(
        expectDockerRestart({
          restartPolicy: policy(name),
          exitCode: 137,
          restartCount: 0,
          stoppedByOperator: true,
        }),
      ).toBe(false);
    },
  );
});
