/** Details end up in incident records and notifications, so they stay short whatever a process prints. */
export const maxDetailOutputChars = 4096;

/** Keeps the end of `text`, where errors usually are, and says how much was dropped. */
export function tailOf(text: string, maxChars: number = maxDetailOutputChars): string {
  const trimmed = text.trim();
  if (trimmed.length <= maxChars) return trimmed;
  return `[${trimmed.length - maxChars} earlier characters dropped]\n${trimmed.slice(-maxChars)}`;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
