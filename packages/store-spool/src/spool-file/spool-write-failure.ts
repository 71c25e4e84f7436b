/** SQLite's result code for "database or disk is full" (`SQLITE_FULL`). */
const sqliteFull = 13;

/**
 * Why the spool could not take a write: `disk_full` when the file system (or the spool's own
 * `maxFileBytes`) has no room left, `write_error` for anything else (read-only, I/O error...).
 */
export type SpoolWriteFailureReason = 'disk_full' | 'write_error';

export function spoolWriteFailureReason(error: unknown): SpoolWriteFailureReason {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  // The extended code keeps the primary one in its low byte.
  if (typeof code === 'number' && (code & 0xff) === sqliteFull) return 'disk_full';
  const message = error instanceof Error ? error.message : String(error);
  return /disk is full|ENOSPC|no space left/i.test(message) ? 'disk_full' : 'write_error';
}
