import { describe, expect, it } from 'vitest';
import { describeExitCode, exitCodeMeaning, exitSignal, explainExitCode } from './exit-codes.js';

describe('exit codes', () => {
  it.each([
    [1, 'general error'],
    [2, 'usage error or runtime panic'],
    [78, 'configuration error, EX_CONFIG'],
    [126, 'command not executable'],
    [127, 'command not found'],
    [134, 'aborted, SIGABRT'],
    [137, 'killed, SIGKILL'],
    [139, 'segmentation fault, SIGSEGV'],
    [143, 'terminated, SIGTERM'],
    [138, 'signal 10'],
  ])('%i means %s', (code, meaning) => {
    expect(exitCodeMeaning(code)).toBe(meaning);
  });

  it('has no meaning for an unknown code and says only the number', () => {
    expect(exitCodeMeaning(42)).toBeUndefined();
    expect(exitCodeMeaning(null)).toBeUndefined();
    expect(describeExitCode(42)).toBe('exit code 42');
    expect(describeExitCode(137)).toBe('exit code 137 (killed, SIGKILL)');
  });

  it('names the signal behind 128 + n and explains the common ones', () => {
    expect(exitSignal(139)).toBe(11);
    expect(exitSignal(1)).toBeUndefined();
    expect(explainExitCode(137)).toContain("without Docker's OOMKilled flag");
    expect(explainExitCode(42)).toBeUndefined();
  });
});
