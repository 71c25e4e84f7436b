import { describe, expect, it } from 'vitest';
import { demuxDockerStream } from './container-logs.js';

function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('demuxDockerStream', () => {
  it('splits stdout and stderr frames and keeps their order within each stream', () => {
    const logs = demuxDockerStream(
      Buffer.concat([frame(1, 'one\n'), frame(2, 'oops\n'), frame(1, 'two\n'), frame(2, 'é\n')]),
    );
    expect(logs).toEqual({ stdout: 'one\ntwo\n', stderr: 'oops\né\n' });
  });

  it('returns empty streams for an empty buffer and ignores a truncated header', () => {
    expect(demuxDockerStream(Buffer.alloc(0))).toEqual({ stdout: '', stderr: '' });
    expect(demuxDockerStream(Buffer.concat([frame(1, 'a'), Buffer.from([1, 0, 0])]))).toEqual({
      stdout: 'a',
      stderr: '',
    });
  });
});
