import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFrameDecoder, createLineCollector, type OutputChunk } from './demux-logs.js';

const multiplexed = readFileSync(new URL('./fixtures/logs-multiplexed.bin', import.meta.url));
const tty = readFileSync(new URL('./fixtures/logs-tty.bin', import.meta.url));

function linesOf(
  bytes: Uint8Array,
  options: { tty: boolean; cuts?: readonly number[]; maxLines?: number; maxLineBytes?: number },
) {
  const decoder = createFrameDecoder({ tty: options.tty });
  const collector = createLineCollector({
    maxLines: options.maxLines ?? 100,
    maxLineBytes: options.maxLineBytes ?? 1024,
  });
  const chunks: OutputChunk[] = [];
  let start = 0;
  for (const cut of [...(options.cuts ?? []), bytes.length]) {
    for (const chunk of decoder.push(bytes.subarray(start, cut))) {
      chunks.push(chunk);
      collector.push(chunk);
    }
    start = cut;
  }
  return { lines: collector.finish(), chunks };
}

describe('log frames', () => {
  it('demultiplexes frames captured from a non-TTY container (stderr and stdout, UTF-8, no final newline)', () => {
    const { lines, chunks } = linesOf(multiplexed, { tty: false });
    expect(lines).toEqual([
      'err line 1',
      'err line 2',
      'err line 3',
      'out line 1',
      'out line 2',
      'out line 3',
      'héllo wörld',
      'no newline at end',
    ]);
    expect(chunks.filter((chunk) => chunk.stream === 'stderr')).toHaveLength(3);
  });

  it('gives the same lines wherever the frames are cut, even inside a header', () => {
    for (let cut = 1; cut < multiplexed.length; cut += 1) {
      expect(linesOf(multiplexed, { tty: false, cuts: [cut] }).lines).toHaveLength(8);
    }
    const oneByteAtATime = Array.from({ length: multiplexed.length - 1 }, (_, index) => index + 1);
    expect(linesOf(multiplexed, { tty: false, cuts: oneByteAtATime }).lines).toEqual(
      linesOf(multiplexed, { tty: false }).lines,
    );
  });

  it('passes TTY output through unframed and drops the carriage returns', () => {
    expect(linesOf(tty, { tty: true }).lines).toEqual(['tty line 1', 'tty line 2', '42']);
  });

  it('falls back to raw output when a stream said to be framed is not', () => {
    expect(linesOf(tty, { tty: false }).lines).toEqual(['tty line 1', 'tty line 2', '42']);
  });

  it('keeps only the newest lines and cuts long ones', () => {
    expect(linesOf(multiplexed, { tty: false, maxLines: 2 }).lines).toEqual([
      'héllo wörld',
      'no newline at end',
    ]);
    const long = Buffer.from(`${'a'.repeat(50)}\nshort\n`);
    expect(linesOf(long, { tty: true, maxLineBytes: 8 }).lines).toEqual([
      'aaaaaaaa [line cut at 8 bytes]',
      'short',
    ]);
  });

  it('never glues a half stdout line to a stderr line', () => {
    const frame = (stream: 1 | 2, text: string) => {
      const payload = Buffer.from(text);
      const header = Buffer.alloc(8);
      header.writeUInt8(stream, 0);
      header.writeUInt32BE(payload.length, 4);
      return Buffer.concat([header, payload]);
    };
    const bytes = Buffer.concat([frame(1, 'progress: 5'), frame(2, 'warning\n'), frame(1, '0%\n')]);
    expect(linesOf(bytes, { tty: false }).lines).toEqual(['warning', 'progress: 50%']);
  });
});
