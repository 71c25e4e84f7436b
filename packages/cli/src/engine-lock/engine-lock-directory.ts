import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Where `run` keeps its host-local engine locks. Every agent on a host must pick the same
 * directory to meet there, so the default depends only on who runs it:
 * `WEBSITE_MONITOR_LOCK_DIR` when set; `/run/website-monitor` for root; otherwise the user's
 * `$XDG_RUNTIME_DIR/website-monitor`, or `<tmp>/website-monitor-<uid>` without one. Agents in
 * separate containers meet here only when they mount one host directory at the same path (or
 * share a store); see docs/one-agent-per-engine.md.
 */
export function engineLockDirectory(options: {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `process.getuid()`; undefined where there is none (Windows). */
  readonly uid: number | undefined;
  readonly tmp?: string;
}): string {
  const { env, uid } = options;
  const configured = env.WEBSITE_MONITOR_LOCK_DIR?.trim();
  if (configured) return resolve(configured);
  if (uid === 0) return '/run/website-monitor';
  const runtimeDirectory = env.XDG_RUNTIME_DIR?.trim();
  if (runtimeDirectory && isAbsolute(runtimeDirectory)) return join(runtimeDirectory, 'website-monitor');
  return join(options.tmp ?? tmpdir(), uid === undefined ? 'website-monitor' : `website-monitor-${uid}`);
}
