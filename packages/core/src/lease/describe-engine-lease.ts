import type { EngineLeaseRecord } from '../ports/engine-lease.js';
import type { EngineLeaseConflict } from './engine-lease-keeper.js';

const maxFieldChars = 200;

/**
 * What another process wrote about itself is shown to a person as plain text: control characters
 * (an ANSI escape, a newline forging a second line) become `?` and each field is cut short.
 */
function shown(text: string): string {
  const cut = text.length > maxFieldChars ? `${text.slice(0, maxFieldChars)}…` : text;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return cut.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

function shownTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? new Date(ms).toISOString() : String(ms);
}

/** `pid 4242 on edge-1 (started 2026-01-01T12:00:00.000Z, store /var/lib/website-monitor/monitor.db)`. */
export function describeLeaseHolder(lease: EngineLeaseRecord): string {
  const { holder } = lease;
  const details = [`started ${shownTime(holder.startedAt)}`];
  if (holder.store !== undefined) details.push(`store ${shown(holder.store)}`);
  return `pid ${Number.isSafeInteger(holder.pid) ? holder.pid : '?'} on ${shown(holder.hostName)} (${details.join(', ')})`;
}

/** One line for a person: who holds the engine, where that was found, and until when. */
export function describeLeaseConflict(engineId: string, conflict: EngineLeaseConflict, now: number): string {
  const engine = `the Docker engine ${shown(engineId)}`;
  if (conflict.heldBy === undefined) return `${engine} is held by another agent (lease in ${conflict.where})`;
  const { expiresAt } = conflict.heldBy;
  const until =
    expiresAt === null
      ? 'until that process stops'
      : `lease renewed until ${shownTime(expiresAt)}${expiresAt > now ? ` (${Math.ceil((expiresAt - now) / 1000)} s)` : ''}`;
  return `${engine} is held by ${describeLeaseHolder(conflict.heldBy)}; lease in ${conflict.where}, ${until}`;
}
