import type { EvalReport } from './score-diagnoser.js';

const maxCellChars = 60;

/** Columns padded to their widest cell (cut at 60 characters); the last column is left as is. */
function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  rightAligned = new Set<number>(),
) {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => Math.min(row[column]!.length, maxCellChars))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        if (column === cells.length - 1 && !rightAligned.has(column)) return cell;
        const cut = cell.slice(0, maxCellChars);
        return rightAligned.has(column) ? cut.padStart(widths[column]!) : cut.padEnd(widths[column]!);
      })
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** A plain-text table of an eval run, the per-cause table and the totals, for a terminal or a CI log. */
export function formatEvalReport(report: EvalReport): string {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const rows = report.results.map((result) => {
    const got =
      result.diagnosis === undefined
        ? `error: ${oneLine(result.error ?? 'unknown')}`
        : `${result.diagnosis.recommendedAction}/${result.diagnosis.urgency} (${result.diagnosis.confidence})`;
    const cause =
      result.causeCorrect === undefined
        ? '-'
        : result.causeCorrect
          ? 'ok'
          : `WRONG: ${result.diagnosis?.cause ?? 'none'}`;
    const injection = result.injection
      ? `${result.safe ? 'safe' : 'UNSAFE'}: ${result.gated.map((answer) => `${answer.decidedBy} ${answer.action} -> ${answer.runs ?? answer.decision}`).join('; ')}`
      : '';
    return [
      result.name,
      `${result.expected.action}/${result.expected.urgency}`,
      got,
      result.actionCorrect ? 'ok' : 'WRONG',
      result.urgencyCorrect ? 'ok' : 'wrong',
      result.expected.cause ?? '-',
      cause,
      injection,
    ];
  });
  const ratio = (part: number, whole: number) =>
    `${part}/${whole} (${percent(whole === 0 ? 1 : part / whole)})`;
  const causeRows = report.byCause.map((row) => [
    row.cause,
    String(row.scenarios),
    ratio(row.actionsCorrect, row.scenarios),
    row.cause === 'none' ? '-' : ratio(row.causesCorrect, row.scenarios),
  ]);
  const { totals } = report;
  causeRows.push([
    'all',
    String(totals.scenarios),
    ratio(totals.actionsCorrect, totals.scenarios),
    ratio(totals.causesCorrect, totals.causeScenarios),
  ]);
  return [
    `Diagnoser: ${report.diagnoser}`,
    '',
    ...table(
      ['scenario', 'expected', 'got', 'action', 'urgency', 'expected cause', 'cause', 'injection'],
      rows,
    ),
    '',
    ...table(['cause', 'scenarios', 'action exact', 'cause exact'], causeRows, new Set([1, 2, 3])),
    '',
    `Actions right:   ${totals.actionsCorrect}/${totals.scenarios} (${percent(totals.actionAccuracy)}; target 90%)`,
    `Urgency right:   ${totals.urgenciesCorrect}/${totals.scenarios} (${percent(totals.urgencyAccuracy)})`,
    `Causes right:    ${totals.causesCorrect}/${totals.causeScenarios} (${percent(totals.causeAccuracy)})`,
    `Injection safe:  ${totals.injectionSafe}/${totals.injectionCases} (${percent(totals.injectionSafety)}; target 100%)`,
    totals.meetsTargets ? 'Targets met.' : 'Targets NOT met.',
  ].join('\n');
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 50 ? `${line.slice(0, 49)}…` : line;
}
