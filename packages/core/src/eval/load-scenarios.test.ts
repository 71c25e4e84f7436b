import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { corpusDirectory, loadScenarios } from './load-scenarios.js';

describe('loadScenarios', () => {
  it('finds the corpus of the package by default (test/scenarios beside src/)', async () => {
    expect(fileURLToPath(corpusDirectory)).toMatch(/packages\/core\/test\/scenarios\/$/);
    expect(existsSync(corpusDirectory)).toBe(true);
    expect((await loadScenarios()).length).toBeGreaterThan(100);
  });

  it('a missing directory is one usage error naming it', async () => {
    await expect(loadScenarios('/nonexistent/scenarios')).rejects.toMatchObject({
      code: 'usage',
      message: 'no scenario corpus at /nonexistent/scenarios: pass the directory of the *.yaml scenarios',
    });
  });
});
