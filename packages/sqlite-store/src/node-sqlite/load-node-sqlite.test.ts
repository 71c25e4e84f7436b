import { afterEach, describe, expect, it } from 'vitest';
import { withoutSqliteExperimentalWarning } from './load-node-sqlite.js';

const realEmitWarning = process.emitWarning;
afterEach(() => {
  process.emitWarning = realEmitWarning;
});

/** Records what reaches process.emitWarning instead of printing it. */
function recordWarnings(): string[] {
  const seen: string[] = [];
  process.emitWarning = ((warning: string | Error, typeOrOptions?: string | { type?: string }) => {
    const type = typeof typeOrOptions === 'string' ? typeOrOptions : typeOrOptions?.type;
    seen.push(`${type ?? 'Warning'}: ${typeof warning === 'string' ? warning : warning.message}`);
  }) as typeof process.emitWarning;
  return seen;
}

describe('withoutSqliteExperimentalWarning', () => {
  it("drops node:sqlite's ExperimentalWarning and lets every other warning through", async () => {
    const seen = recordWarnings();
    await withoutSqliteExperimentalWarning(async () => {
      process.emitWarning(
        'SQLite is an experimental feature and might change at any time',
        'ExperimentalWarning',
      );
      process.emitWarning('something else is deprecated', 'DeprecationWarning');
      process.emitWarning('Fetch is an experimental feature', { type: 'ExperimentalWarning' });
    });
    expect(seen).toEqual([
      'DeprecationWarning: something else is deprecated',
      'ExperimentalWarning: Fetch is an experimental feature',
    ]);
  });

  it('restores process.emitWarning afterwards, even when loading fails', async () => {
    recordWarnings();
    const recorder = process.emitWarning;
    await expect(
      withoutSqliteExperimentalWarning(async () => {
        throw new Error('no sqlite here');
      }),
    ).rejects.toThrow('no sqlite here');
    expect(process.emitWarning).toBe(recorder);
  });
});
