type NodeSqlite = typeof import('node:sqlite');

let loading: Promise<NodeSqlite> | undefined;

/**
 * Imports `node:sqlite` without its one-time ExperimentalWarning (printed by Node 22.13 to
 * 23.x; Node 24 no longer prints it). Only that warning is dropped: every other warning
 * emitted meanwhile goes through. Loaded lazily so merely importing this package prints nothing.
 */
export function loadNodeSqlite(
  importModule: () => Promise<NodeSqlite> = () => import('node:sqlite'),
): Promise<NodeSqlite> {
  loading ??= withoutSqliteExperimentalWarning(importModule);
  return loading;
}

export async function withoutSqliteExperimentalWarning<T>(load: () => Promise<T>): Promise<T> {
  const emitWarning = process.emitWarning;
  process.emitWarning = function filtered(this: typeof process, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning.message;
    const type =
      typeof warning === 'string'
        ? typeof rest[0] === 'string'
          ? rest[0]
          : (rest[0] as { type?: string } | undefined)?.type
        : warning.name;
    if (type === 'ExperimentalWarning' && /sqlite/i.test(text)) return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return await load();
  } finally {
    process.emitWarning = emitWarning;
  }
}
