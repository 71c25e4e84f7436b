// `pnpm release:dry-run`: builds, packs every publishable package and installs the tarballs into
// fresh npm projects (ESM nodenext, ESM bundler, CommonJS, core at a newer patch), which
// type-check strictly and run a program on the published fakes; publint and are-the-types-wrong
// check every tarball. Exits 1 when anything fails. Nothing is published. docs/releasing.md.
//
//   pnpm release:dry-run                        build, pack, check
//   pnpm release:dry-run --skip-build           use the dist/ folders as they are
//   pnpm release:dry-run --tarballs DIR         check tarballs packed already (changeset pack)
//   pnpm release:dry-run --keep                 keep the temporary folder (its path is printed)
//   pnpm release:dry-run --json                 the report as JSON
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type * as SourceHooks from '../../packages/cli/src/source-mode/source-hooks.js';

// Node runs this file from TypeScript source: the CLI's hooks map the `.js` imports to `.ts`.
const hooks: typeof SourceHooks = await import(
  new URL('../../packages/cli/src/source-mode/source-hooks.ts', import.meta.url).href
);
hooks.registerSourceHooks();
const { repoRoot, runReleaseDryRun } = await import('./release-dry-run.js');

const { values } = parseArgs({
  options: {
    'skip-build': { type: 'boolean', default: false },
    tarballs: { type: 'string' },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});

const report = await runReleaseDryRun({
  repoRoot,
  build: !values['skip-build'],
  ...(values.tarballs === undefined ? {} : { tarballsDir: resolve(values.tarballs) }),
  keep: values.keep,
  log: values.json ? () => {} : (line) => console.log(`release: ${line}`),
});

if (values.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  for (const check of report.tarballChecks) {
    for (const problem of check.problems) console.log(`release: PROBLEM ${problem}`);
    for (const suggestion of check.suggestions) console.log(`release: suggestion ${suggestion}`);
  }
  const packedTotal = report.packages.reduce((sum, pkg) => sum + pkg.packedBytes, 0);
  console.log(
    `release: ${report.ok ? 'ok' : 'FAILED'}: ${report.packages.length} packages (${(packedTotal / 1024).toFixed(1)} kB packed), ` +
      `${report.consumers.filter((consumer) => consumer.ok).length}/${report.consumers.length} consumer projects, ` +
      `${(report.durationMs / 1000).toFixed(1)} s${report.ok ? '' : `; files kept in ${report.workDir}`}`,
  );
}
process.exitCode = report.ok ? 0 : 1;
