import { describe, expect, it } from 'vitest';
import { chooseLogLevel } from './log-level.js';

describe('chooseLogLevel', () => {
  it('prefers --log-level over LOG_LEVEL, and defaults to info', () => {
    expect(chooseLogLevel('debug', { LOG_LEVEL: 'error' })).toBe('debug');
    expect(chooseLogLevel(undefined, { LOG_LEVEL: 'WARN' })).toBe('warn');
    expect(chooseLogLevel(undefined, {})).toBe('info');
  });

  it('names the source of a wrong value', () => {
    expect(() => chooseLogLevel(undefined, { LOG_LEVEL: 'loud' })).toThrow(
      'LOG_LEVEL must be one of debug, info, warn, error; got "loud"',
    );
  });
});
