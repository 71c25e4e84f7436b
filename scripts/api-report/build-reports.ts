import type { ApiEntryReport } from './collect-api.ts';
import { collectApi } from './collect-api.ts';
import { findApiEntryPoints } from './entry-points.ts';
import { renderPackageReport } from './render-report.ts';

/** The reports of a repo: file name (`core.api.md`) to text, and the surfaces they were made from. */
export interface ApiReports {
  readonly reports: ReadonlyMap<string, string>;
  readonly entries: readonly ApiEntryReport[];
}

/** Collects every published entry point of `root` and renders one report per package. */
export function buildApiReports(root: string): ApiReports {
  const entries = collectApi(root, findApiEntryPoints(root));
  const byFolder = new Map<string, ApiEntryReport[]>();
  for (const report of entries) {
    const list = byFolder.get(report.entry.folder) ?? [];
    list.push(report);
    byFolder.set(report.entry.folder, list);
  }
  const reports = new Map<string, string>();
  for (const [folder, list] of byFolder) {
    const packageName = list[0]?.entry.packageName ?? folder;
    reports.set(`${folder}.api.md`, renderPackageReport(packageName, list));
  }
  return { reports, entries };
}
