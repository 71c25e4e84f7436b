/**
 * Splits a byte stream into lines. Chunks from a socket can end in the middle of a line or of a
 * UTF-8 character; both are held back until the rest arrives. A line longer than `maxLineBytes`
 * is dropped whole (reported as `oversized`) so a broken peer cannot grow the buffer forever.
 */
export interface LineSplitter {
  push(chunk: Uint8Array | string): { readonly lines: readonly string[]; readonly oversized: number };
  /** The unterminated remainder, once the stream has ended. */
  flush(): string | undefined;
}

export function createLineSplitter(options: { readonly maxLineBytes: number }): LineSplitter {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  let skippingOversized = false;

  return {
    push(chunk) {
      const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      const lines: string[] = [];
      let oversized = 0;
      let start = 0;
      for (let newline = text.indexOf('\n', start); newline !== -1; newline = text.indexOf('\n', start)) {
        const line = pending + text.slice(start, newline);
        pending = '';
        start = newline + 1;
        if (skippingOversized) {
          skippingOversized = false;
          continue;
        }
        const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
        if (trimmed !== '') lines.push(trimmed);
      }
      if (!skippingOversized) pending += text.slice(start);
      // Characters, not bytes: close enough for a safety bound, and cheap.
      if (pending.length > options.maxLineBytes) {
        pending = '';
        skippingOversized = true;
        oversized += 1;
      }
      return { lines, oversized };
    },
    flush() {
      const rest = pending + decoder.decode();
      pending = '';
      return skippingOversized || rest.trim() === '' ? undefined : rest;
    },
  };
}
