import { describe, expect, it } from 'vitest';
import { SseParser } from './sse-parser.js';

describe('SseParser', () => {
  it('yields an event only when its blank line arrives, across chunk boundaries', () => {
    const parser = new SseParser();
    expect(parser.push('event: incident:opened\nid: 7\nda')).toEqual([]);
    expect(parser.push('ta: {"id":"i1"}\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ event: 'incident:opened', data: '{"id":"i1"}', id: '7' }]);
  });

  it('ignores comments (heartbeats), joins multi-line data, and accepts CRLF split mid-pair', () => {
    const parser = new SseParser();
    const events = [
      ...parser.push(': heartbeat 1\n\nevent: a\r'),
      ...parser.push('\ndata: one\r\ndata: two\r\n\r\ndata:no-space\n\n'),
    ];
    expect(events).toEqual([
      { event: 'a', data: 'one\ntwo', id: undefined },
      { event: 'message', data: 'no-space', id: undefined },
    ]);
  });

  it('drops an event name with no data', () => {
    const parser = new SseParser();
    expect(parser.push('event: lonely\n\ndata: x\n\n')).toEqual([
      { event: 'message', data: 'x', id: undefined },
    ]);
  });
});
