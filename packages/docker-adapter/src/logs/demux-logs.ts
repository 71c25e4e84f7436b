/**
 * Docker's attach/logs framing for containers without a TTY: each frame is an 8-byte header
 * (byte 0: 1 stdout, 2 stderr; bytes 4-7: big-endian payload length) then the payload. Frames
 * and headers can be cut anywhere by the socket, so the decoder keeps what it has not finished.
 * With a TTY there is no framing and everything is stdout.
 */
export type OutputStream = 'stdout' | 'stderr';

export interface OutputChunk {
  readonly stream: OutputStream;
  readonly data: Uint8Array;
}

export interface FrameDecoder {
  push(chunk: Uint8Array): OutputChunk[];
}

const headerLength = 8;

export function createFrameDecoder(options: { readonly tty: boolean }): FrameDecoder {
  if (options.tty)
    return { push: (chunk) => (chunk.length === 0 ? [] : [{ stream: 'stdout', data: chunk }]) };

  let buffered: Uint8Array = new Uint8Array(0);
  let current: { stream: OutputStream; remaining: number } | undefined;
  let passthrough = false;

  return {
    push(chunk) {
      if (passthrough) return chunk.length === 0 ? [] : [{ stream: 'stdout', data: chunk }];
      const output: OutputChunk[] = [];
      let input = buffered.length === 0 ? chunk : concat(buffered, chunk);
      buffered = new Uint8Array(0);
      while (input.length > 0) {
        if (current === undefined) {
          if (input.length < headerLength) {
            buffered = input.slice();
            break;
          }
          const streamType = input[0];
          if (streamType !== 0 && streamType !== 1 && streamType !== 2) {
            // Not a frame header: the stream is not multiplexed after all (a TTY we were not told
            // about). Everything from here on is raw output.
            passthrough = true;
            output.push({ stream: 'stdout', data: input });
            break;
          }
          const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
          current = { stream: streamType === 2 ? 'stderr' : 'stdout', remaining: view.getUint32(4) };
          input = input.subarray(headerLength);
          if (current.remaining === 0) current = undefined;
          continue;
        }
        const take = Math.min(current.remaining, input.length);
        output.push({ stream: current.stream, data: input.subarray(0, take) });
        current.remaining -= take;
        input = input.subarray(take);
        if (current.remaining === 0) current = undefined;
      }
      return output;
    },
  };
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  const joined = new Uint8Array(first.length + second.length);
  joined.set(first, 0);
  joined.set(second, first.length);
  return joined;
}

/**
 * Turns decoded output into whole lines as they complete, cutting any line past `maxLineBytes`
 * (at a UTF-8 character boundary, marked) and replacing invalid UTF-8. stdout and stderr keep
 * separate partial lines so a half line on one is never glued to the other. Past the cut, bytes
 * are only counted: a line that never ends holds at most `maxLineBytes + 1` bytes per stream.
 */
export interface LineEmitter {
  push(chunk: OutputChunk): void;
  /** Emits the unterminated last line of each stream, if any (the stream has ended). */
  flush(): void;
  /** Bytes held for partial lines (both streams), for tests of the bound. */
  readonly pendingBytes: number;
}

export function createLineEmitter(options: {
  readonly maxLineBytes: number;
  readonly onLine: (line: string, stream: OutputStream) => void;
}): LineEmitter {
  const partial: Record<OutputStream, { parts: Uint8Array[]; kept: number; bytes: number }> = {
    stdout: { parts: [], kept: 0, bytes: 0 },
    stderr: { parts: [], kept: 0, bytes: 0 },
  };
  const decoder = new TextDecoder('utf-8');

  const emitBytes = (stream: OutputStream, bytes: Uint8Array, totalBytes: number): void => {
    const cut = totalBytes > options.maxLineBytes;
    const end = cut ? characterBoundary(bytes, options.maxLineBytes) : bytes.length;
    let text = decoder.decode(bytes.subarray(0, end));
    if (cut) text += ` [line cut at ${options.maxLineBytes} bytes]`;
    else if (text.endsWith('\r')) text = text.slice(0, -1);
    options.onLine(text, stream);
  };

  const emit = (stream: OutputStream): void => {
    const pending = partial[stream];
    const totalBytes = pending.bytes;
    const bytes = concatAll(pending.parts, pending.kept);
    pending.parts = [];
    pending.kept = 0;
    pending.bytes = 0;
    emitBytes(stream, bytes, totalBytes);
  };

  const append = (stream: OutputStream, data: Uint8Array): void => {
    const pending = partial[stream];
    const room = options.maxLineBytes + 1 - pending.kept;
    if (room > 0 && data.length > 0) {
      // A copy, so a kept piece does not pin the socket's whole chunk in memory.
      const piece = data.slice(0, room);
      pending.parts.push(piece);
      pending.kept += piece.length;
    }
    pending.bytes += data.length;
  };

  return {
    push({ stream, data }) {
      let start = 0;
      for (let newline = data.indexOf(10, start); newline !== -1; newline = data.indexOf(10, start)) {
        const line = data.subarray(start, newline);
        if (partial[stream].bytes === 0) emitBytes(stream, line, line.length);
        else {
          append(stream, line);
          emit(stream);
        }
        start = newline + 1;
      }
      if (start < data.length) append(stream, data.subarray(start));
    },
    flush() {
      for (const stream of ['stdout', 'stderr'] as const) {
        if (partial[stream].bytes > 0) emit(stream);
      }
    },
    get pendingBytes() {
      return partial.stdout.kept + partial.stderr.kept;
    },
  };
}

/** The largest cut at or below `limit` that does not split a UTF-8 character. */
function characterBoundary(bytes: Uint8Array, limit: number): number {
  let end = Math.min(limit, bytes.length);
  // Step back over continuation bytes (10xxxxxx), at most three: a character is four bytes at most.
  for (let back = 0; back < 3 && end > 0 && end < bytes.length && ((bytes[end] ?? 0) & 0xc0) === 0x80; back++)
    end -= 1;
  return end;
}

/**
 * Collects decoded output as lines, keeping only the last `maxLines` (the newest matter most for
 * a diagnosis) and cutting any line past `maxLineBytes`.
 */
export interface LineCollector {
  push(chunk: OutputChunk): void;
  /** Lines oldest first, including an unterminated last line. */
  finish(): string[];
}

export function createLineCollector(options: {
  readonly maxLines: number;
  readonly maxLineBytes: number;
}): LineCollector {
  const lines: string[] = [];
  const emitter = createLineEmitter({
    maxLineBytes: options.maxLineBytes,
    onLine: (line) => {
      lines.push(line);
      if (lines.length > options.maxLines) lines.splice(0, lines.length - options.maxLines);
    },
  });
  return {
    push: (chunk) => emitter.push(chunk),
    finish() {
      emitter.flush();
      return [...lines];
    },
  };
}

function concatAll(parts: readonly Uint8Array[], declaredBytes: number): Uint8Array {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const joined = new Uint8Array(Math.min(length, declaredBytes));
  let offset = 0;
  for (const part of parts) {
    joined.set(part.subarray(0, joined.length - offset), offset);
    offset += part.length;
    if (offset >= joined.length) break;
  }
  return joined;
}
