import { basename, dirname, extname, join } from 'node:path';

/** Agents on one host that may share one `storage.spool_path`, each in a spool file of its own. */
export const spoolSlots = 8;

/**
 * The spool file of the `slot`-th agent using `path`: the path itself for the first,
 * `spool.2.db`, `spool.3.db`... beside it for the next ones.
 */
export function spoolSlotPath(path: string, slot: number): string {
  if (slot <= 1) return path;
  const extension = extname(path);
  const stem = basename(path, extension);
  return join(dirname(path), `${stem}.${slot}${extension}`);
}

/** node:sqlite's SQLITE_BUSY (5) or SQLITE_LOCKED (6) under the spool's open error: another process holds the file. */
function heldByAnotherAgent(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const { errcode } = current as { errcode?: unknown };
    if (errcode === 5 || errcode === 6) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Opens the first spool file of `path`'s slots that no running agent holds (issue 12, item 2):
 * an active agent and its standby on one host, started from one config file, must not refuse
 * each other over the spool before they get to the engine's lease. A slot a stopped or crashed
 * agent left is taken by the next agent that starts, which delivers whatever is still in it:
 * nothing written by a dead agent waits for that same agent to come back. Any other failure to
 * open, or every slot held, is thrown as the first slot's error.
 */
export async function openSpoolSlot<Spool>(
  path: string,
  open: (slotPath: string) => Promise<Spool>,
): Promise<{ readonly spool: Spool; readonly path: string; readonly slot: number }> {
  let firstError: unknown;
  for (let slot = 1; slot <= spoolSlots; slot++) {
    const slotPath = spoolSlotPath(path, slot);
    try {
      return { spool: await open(slotPath), path: slotPath, slot };
    } catch (error) {
      firstError ??= error;
      if (!heldByAnotherAgent(error)) throw error;
    }
  }
  throw firstError;
}
