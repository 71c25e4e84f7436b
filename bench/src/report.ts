import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Summary } from './summarize.js';

/** One line of the results table: the agent, the baseline measured beside it, and the target. */
export interface ResultRow {
  readonly measurement: string;
  readonly agent: string;
  readonly baseline: string;
  readonly ratio: string;
  readonly target: string;
  /** undefined: no target for this line. */
  readonly met: boolean | undefined;
}

export interface MachineInfo {
  readonly date: string;
  readonly command: string;
  readonly cpus: string;
  readonly memory: string;
  readonly kernel: string;
  readonly docker: string;
  readonly node: string;
  /** The PostgreSQL server the store benchmarks used. */
  readonly postgres?: string;
}

export function formatSummary(summary: Summary, unit: string, digits = 0): string {
  if (summary.n === 0) return 'no samples';
  return `${summary.median.toFixed(digits)} / ${summary.p95.toFixed(digits)} ${unit} (n=${summary.n})`;
}

export function formatRatio(agent: Summary, baseline: Summary): string {
  if (agent.n === 0 || baseline.n === 0 || baseline.median === 0) return '–';
  return `${(agent.median / baseline.median).toFixed(2)}x`;
}

export function resultsTable(rows: readonly ResultRow[]): string {
  const header = '| Measurement | Agent: median / p95 | Baseline: median / p95 | Ratio | Target | Met |';
  const rule = '| --- | --- | --- | --- | --- | --- |';
  const lines = rows.map((row) => {
    const met = row.met === undefined ? '–' : row.met ? 'yes' : '**no**';
    return `| ${row.measurement} | ${row.agent} | ${row.baseline} | ${row.ratio} | ${row.target} | ${met} |`;
  });
  return [header, rule, ...lines].join('\n');
}

export function resultsSection(options: {
  readonly machine: MachineInfo;
  readonly rows: readonly ResultRow[];
  readonly notes: readonly string[];
}): string {
  const { machine } = options;
  return [
    '## Results',
    '',
    `- Date: ${machine.date}`,
    `- Command: \`${machine.command}\``,
    `- Machine: ${machine.cpus}, ${machine.memory}, Linux ${machine.kernel}`,
    `- Docker: ${machine.docker}`,
    `- Node: ${machine.node}`,
    ...(machine.postgres === undefined ? [] : [`- PostgreSQL: ${machine.postgres}`]),
    '',
    resultsTable(options.rows),
    '',
    ...(options.notes.length > 0
      ? ['Notes from this run:', '', ...options.notes.map((note) => `- ${note}`), '']
      : []),
  ].join('\n');
}

const startMarker = '<!-- bench:results:start (written by `pnpm bench`) -->';
const endMarker = '<!-- bench:results:end -->';

/**
 * Replaces the results section of BENCHMARKS.md and keeps everything else, so the intro can be
 * edited by hand. A file without the markers gets the default intro.
 */
export function writeBenchmarksFile(options: {
  readonly path: string;
  readonly intro: string;
  readonly results: string;
}): void {
  const block = `${startMarker}\n${options.results}\n${endMarker}`;
  const current = existsSync(options.path) ? readFileSync(options.path, 'utf8') : '';
  const start = current.indexOf(startMarker);
  const end = current.indexOf(endMarker);
  const text =
    start >= 0 && end > start
      ? `${current.slice(0, start)}${block}${current.slice(end + endMarker.length)}`
      : `${options.intro.trimEnd()}\n\n${block}\n`;
  writeFileSync(options.path, text);
}

/**
 * The results section with some rows measured again (`BENCH_ONLY=...`): table rows whose
 * measurement starts with one of `numbers` ("8.") and notes that start with one of them ("8:")
 * are replaced by the new ones; every other row and note is kept as it was, and a line under the
 * machine facts says which rows are from which run.
 */
export function mergeResultsSection(options: {
  readonly current: string;
  readonly numbers: readonly string[];
  readonly rows: readonly ResultRow[];
  readonly notes: readonly string[];
  readonly measuredLine: string;
}): string {
  const replaced = (text: string, separator: string) =>
    options.numbers.some((number) => text.startsWith(`${number}${separator}`));
  const lines = options.current.split('\n');
  const kept: string[] = [];
  let lastRow = -1;
  let lastFact = -1;
  for (const line of lines) {
    if (line.startsWith('| ') && !line.startsWith('| Measurement') && replaced(line.slice(2), '. ')) continue;
    if (line.startsWith('- ') && replaced(line.slice(2), ': ')) continue;
    // The same rows measured again: their older line goes (matched up to " on", so a date's digits never match).
    if (line.startsWith(`- Rows measured again: ${options.numbers.join(', ')} on `)) continue;
    kept.push(line);
    if (line.startsWith('| ')) lastRow = kept.length - 1;
    if (line.startsWith('- ') && lastRow < 0) lastFact = kept.length - 1;
  }
  const newRows = resultsTable(options.rows).split('\n').slice(2);
  kept.splice(lastRow + 1, 0, ...newRows);
  if (lastFact >= 0) kept.splice(lastFact + 1, 0, `- ${options.measuredLine}`);
  const notesAt = kept.indexOf('Notes from this run:');
  const noteLines = options.notes.map((note) => `- ${note}`);
  if (notesAt >= 0) {
    let end = notesAt + 2;
    while (end < kept.length && kept[end]!.startsWith('- ')) end++;
    kept.splice(end, 0, ...noteLines);
  } else if (noteLines.length > 0) {
    kept.push('Notes from this run:', '', ...noteLines, '');
  }
  return kept.join('\n');
}

/** The current results section of BENCHMARKS.md, without its markers ('' when there is none). */
export function readResultsSection(path: string): string {
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const start = current.indexOf(startMarker);
  const end = current.indexOf(endMarker);
  if (start < 0 || end < start) return '';
  return current
    .slice(start + startMarker.length, end)
    .replace(/^\n/, '')
    .replace(/\n$/, '');
}
