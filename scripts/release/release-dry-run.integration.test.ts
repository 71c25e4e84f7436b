import { describe, expect, it } from 'vitest';
import { repoRoot, runReleaseDryRun } from './release-dry-run.js';

// `pnpm release:dry-run` as CI runs it: build, pack, check every tarball, install them with npm
// (third-party packages from the registry) into four fresh projects that type-check and run.
// About two to four minutes on two cores.
describe('the release dry run', () => {
  it(
    'packs every package, passes publint and are-the-types-wrong, and the tarballs install, type-check and run in ESM, bundler and CommonJS projects',
    async () => {
      const lines: string[] = [];
      const report = await runReleaseDryRun({ repoRoot, log: (line) => lines.push(line) });
      const failures = [
        ...report.tarballChecks.flatMap((check) => check.problems),
        ...report.consumers
          .filter((consumer) => !consumer.ok)
          .map((consumer) => `${consumer.name}: ${consumer.detail}`),
      ];
      expect(failures, lines.join('\n')).toEqual([]);
      expect(report.packages).toHaveLength(11);
      expect(report.consumers.map((consumer) => consumer.name).sort()).toEqual([
        'cjs-require',
        'esm-bundler',
        'esm-nodenext',
        'peer-range',
      ]);
      // Each program ran the agent on the published fakes: one restart, the incident resolved.
      for (const consumer of report.consumers.filter((each) => each.name !== 'peer-range')) {
        expect(consumer.detail).toContain('"restarts":1');
        expect(consumer.detail).toContain('"status":"resolved"');
      }
      expect(report.consumers.find((consumer) => consumer.name === 'cjs-require')?.detail).toContain(
        '"requireWorks":true',
      );
      expect(report.ok).toBe(true);
    },
    15 * 60_000,
  );
});
