// `pnpm api:update`: writes api/<package>.api.md, the public surface of every published package
// (what a user can import, with its signatures). `pnpm api:check` (and the unit test beside this
// file) fails when the source no longer matches the checked-in reports. Runs from TypeScript
// source with the TypeScript compiler API: nothing is built.
//
//   pnpm api:update            rewrite the reports
//   pnpm api:check             exit 1 and name the stale reports and undocumented exports
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApiReports } from './build-reports.ts';
import { repoRoot, reportDirectory } from './collect-api.ts';
import { missingDocs, unexportedReferences } from './render-report.ts';

const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } }, strict: true });
const started = performance.now();
const { reports, entries } = buildApiReports(repoRoot);
const directory = reportDirectory(repoRoot);

if (values.check) {
  const stale = [...reports].filter(
    ([file, text]) =>
      !existsSync(join(directory, file)) || readFileSync(join(directory, file), 'utf8') !== text,
  );
  const extra = existsSync(directory)
    ? readdirSync(directory).filter((file) => file.endsWith('.api.md') && !reports.has(file))
    : [];
  const problems = [
    ...stale.map(([file]) => `api/${file} is out of date: run pnpm api:update and review the diff`),
    ...extra.map((file) => `api/${file} belongs to no published package: run pnpm api:update`),
    ...missingDocs(entries).map((problem) => `undocumented: ${problem}`),
    ...unexportedReferences(entries).map((problem) => `unexported type: ${problem}`),
  ];
  for (const problem of problems) console.error(problem);
  process.exit(problems.length === 0 ? 0 : 1);
}

mkdirSync(directory, { recursive: true });
for (const file of readdirSync(directory)) {
  if (file.endsWith('.api.md') && !reports.has(file)) rmSync(join(directory, file));
}
for (const [file, text] of reports) writeFileSync(join(directory, file), text);
const counts = entries.map(({ entry, exports }) => `${entry.specifier} ${exports.length}`).join(', ');
console.log(`wrote ${reports.size} reports in ${Math.round(performance.now() - started)} ms: ${counts}`);
const problems = [...missingDocs(entries), ...unexportedReferences(entries)];
if (problems.length > 0) {
  console.error(`${problems.length} problems (pnpm test fails on them):\n${problems.join('\n')}`);
  process.exitCode = 1;
}
