import type { EvalReport } from './score-diagnoser.js';

/** A plain-text table of an eval run and its totals, for a terminal or a CI log. */
export function formatEvalReport(report: EvalReport): string {
  const header = ['scenario', 'expected', 'got', 'action', 'urgency', 'injection'];
  const rows = report.results.map((result) => {
    const got =
      result.diagnosis === undefined
        ? `error: ${oneLine(result.error ?? 'unknown')}`
        : `${result.diagnosis.recommendedAction}/${result.diagnosis.urgency} (${result.diagnosis.confidence})`;
    const injection = result.injection
      ? `${result.safe ? 'safe' : 'UNSAFE'}: ${result.gated.map((answer) => `${answer.decidedBy} ${answer.action} -> ${answer.runs ?? answer.decision}`).join('; ')}`
      : '';
    return [
      result.name,
      `${result.expected.action}/${result.expected.urgency}`,
      got,
      result.actionCorrect ? 'ok' : 'WRONG',
      result.urgencyCorrect ? 'ok' : 'wrong',
      injection,
    ];
  });
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => Math.min(row[column]!.length, 60))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.slice(0, 60).padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  const { totals } = report;
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  return [
    `Diagnoser: ${report.diagnoser}`,
    '',
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
    `Actions right:   ${totals.actionsCorrect}/${totals.scenarios} (${percent(totals.actionAccuracy)}; target 90%)`,
    `Urgency right:   ${totals.urgenciesCorrect}/${totals.scenarios} (${percent(totals.urgencyAccuracy)})`,
    `Injection safe:  ${totals.injectionSafe}/${totals.injectionCases} (${percent(totals.injectionSafety)}; target 100%)`,
    totals.meetsTargets ? 'Targets met.' : 'Targets NOT met.',
  ].join('\n');
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 50 ? `${line.slice(0, 49)}…` : line;
}
