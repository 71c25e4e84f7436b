import { describe, expect, it } from 'vitest';
import { testAppEnv, testAppEnvironment } from './test-app-behaviour.js';

describe('testAppEnv', () => {
  it('gives no variable for an empty behaviour, so the app keeps its defaults', () => {
    expect(testAppEnv({})).toEqual([]);
  });

  it('names every behaviour with the variable the app reads', () => {
    expect(
      testAppEnv({
        healthMode: 'fail',
        healthDelayMs: 250,
        exitAfterSeconds: 1.5,
        exitCode: 3,
        growMemoryMbPerSec: 16,
        burnCpu: true,
        logEverySeconds: 2,
      }),
    ).toEqual([
      'HEALTH_MODE=fail',
      'HEALTH_DELAY_MS=250',
      'EXIT_AFTER_SECONDS=1.5',
      'EXIT_CODE=3',
      'GROW_MEMORY_MB_PER_SEC=16',
      'BURN_CPU=1',
      'LOG_EVERY_SECONDS=2',
    ]);
  });

  it('joins log lines with a literal \\n and escapes backslashes for printf %b', () => {
    expect(testAppEnv({ logLines: ['first', 'C:\\temp', 'two\nparts'], stderrLogLines: ['oops'] })).toEqual([
      'LOG_LINES=first\\nC:\\\\temp\\ntwo\\nparts',
      'LOG_STDERR_LINES=oops',
    ]);
  });

  it('counts burnCpu as a number of busy loops and false as none', () => {
    expect(testAppEnv({ burnCpu: 2 })).toEqual(['BURN_CPU=2']);
    expect(testAppEnv({ burnCpu: false })).toEqual([]);
  });

  it('rejects values the shell script could not use', () => {
    expect(() => testAppEnv({ exitCode: 256 })).toThrow(
      'exitCode must be a whole number from 0 to 255, got 256',
    );
    expect(() => testAppEnv({ healthDelayMs: 1.5 })).toThrow('healthDelayMs must be a whole number >= 0');
    expect(() => testAppEnv({ exitAfterSeconds: 0 })).toThrow('exitAfterSeconds must be a number > 0');
  });

  it('gives the same variables as a record for testcontainers', () => {
    expect(testAppEnvironment({ healthMode: 'hang', exitAfterSeconds: 0.5, logLines: ['a', 'b'] })).toEqual({
      HEALTH_MODE: 'hang',
      EXIT_AFTER_SECONDS: '0.5',
      LOG_LINES: 'a\\nb',
    });
  });
});
