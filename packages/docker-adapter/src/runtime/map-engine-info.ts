import { ContainerRuntimeError, type EngineInfo } from '@website-monitor/core';

/** Longer than any engine ID or host name seen; an answer past it is not an engine's. */
const maxFieldChars = 256;

function field(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * `GET /info` → who the engine is. Only `ID`, `Name` and `ServerVersion`, present from API 1.41
 * to the newest (the ID's format changed from a key fingerprint to a UUID in Docker 23; neither
 * is parsed). The ID keys the one-agent-per-engine lease, so an answer without one, or with one
 * too long to be real, is refused rather than cut or guessed.
 */
export function mapEngineInfo(raw: unknown): EngineInfo {
  const body = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const id = field(body, 'ID');
  if (id === undefined || id.length > maxFieldChars) {
    throw new ContainerRuntimeError(
      'api',
      id === undefined
        ? 'info: the engine did not report an ID'
        : `info: the engine reported an ID of ${id.length} characters (at most ${maxFieldChars} expected)`,
      { isRetryable: false },
    );
  }
  const cut = (text: string | undefined) => (text ?? '').slice(0, maxFieldChars);
  return { id, name: cut(field(body, 'Name')), serverVersion: cut(field(body, 'ServerVersion')) };
}
