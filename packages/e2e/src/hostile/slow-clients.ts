import { connect, type Socket } from 'node:net';

/** How one slow client ended: the server answered, closed it, or it was still held at the end. */
export interface SlowClientResult {
  readonly kind: 'answered' | 'closed_by_server' | 'held';
  readonly status?: number;
  /** When the server answered or closed, from the first byte sent. */
  readonly afterMs?: number;
}

/**
 * A slowloris client: sends `head` one byte every `intervalMs` and then keeps trickling header
 * bytes, never finishing the request, until the server closes it or `durationMs` ends.
 */
export function slowHeaders(options: {
  readonly port: number;
  readonly head: string;
  readonly intervalMs: number;
  readonly durationMs: number;
}): Promise<SlowClientResult> {
  return trickle({ ...options, bytes: Buffer.from(options.head, 'latin1'), endless: 'a' });
}

/** Complete headers at once, then a body of `bodyBytes` bytes one byte every `intervalMs`. */
export function slowBody(options: {
  readonly port: number;
  readonly head: string;
  readonly bodyBytes: number;
  readonly intervalMs: number;
  readonly durationMs: number;
}): Promise<SlowClientResult> {
  return trickle({
    ...options,
    prefix: Buffer.from(options.head, 'latin1'),
    bytes: Buffer.alloc(options.bodyBytes, 0x20),
  });
}

function trickle(options: {
  readonly port: number;
  readonly prefix?: Buffer;
  readonly bytes: Buffer;
  /** Sent byte after byte once `bytes` is through (headers that never end). */
  readonly endless?: string;
  readonly intervalMs: number;
  readonly durationMs: number;
}): Promise<SlowClientResult> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port: options.port });
    const started = Date.now();
    let sent = 0;
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (result: SlowClientResult) => {
      if (settled) return;
      settled = true;
      clearInterval(ticker);
      clearTimeout(deadline);
      socket.destroy();
      resolve(result);
    };
    const ticker = setInterval(() => {
      if (socket.destroyed || !socket.writable) return;
      if (sent < options.bytes.length) socket.write(options.bytes.subarray(sent, ++sent));
      else if (options.endless) socket.write(options.endless);
    }, options.intervalMs);
    const deadline = setTimeout(() => finish({ kind: 'held' }), options.durationMs);
    socket.on('connect', () => {
      if (options.prefix) socket.write(options.prefix);
    });
    socket.on('data', (chunk: Buffer) => {
      if (received.length < 4096) received = Buffer.concat([received, chunk]);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received.toString('latin1'));
      if (status) finish({ kind: 'answered', status: Number(status[1]), afterMs: Date.now() - started });
    });
    const closed = () => finish({ kind: 'closed_by_server', afterMs: Date.now() - started });
    socket.on('end', closed);
    socket.on('close', closed);
    socket.on('error', closed);
  });
}

/** An open event stream (or the refusal it got). */
export interface HeldStream {
  /** The status line's code, or undefined when the connection ended without one. */
  readonly status: number | undefined;
  readonly elapsedMs: number;
  /** Bytes of the answer so far (its head, and for a stream, what was sent on it). */
  readonly received: () => Buffer;
  /** True while the server keeps the connection open. */
  readonly open: () => boolean;
  close(): void;
}

/** Opens GET /monitor/events and keeps it open; resolves at the status line (or the end). */
export function holdEventStream(options: {
  readonly port: number;
  readonly host?: string;
  readonly timeoutMs?: number;
}): Promise<HeldStream> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: options.port });
    let received = Buffer.alloc(0);
    let open = true;
    let resolved = false;
    const held = (status: number | undefined): HeldStream => ({
      status,
      elapsedMs: performance.now() - started,
      received: () => received,
      open: () => open,
      close: () => socket.destroy(),
    });
    const timer = setTimeout(() => {
      if (!resolved) {
        resolved = true;
        resolve(held(undefined));
      }
    }, options.timeoutMs ?? 5_000);
    socket.on('connect', () => {
      socket.write(
        `GET /monitor/events HTTP/1.1\r\nHost: ${options.host ?? `127.0.0.1:${options.port}`}\r\nAccept: text/event-stream\r\n\r\n`,
      );
    });
    socket.on('data', (chunk: Buffer) => {
      // Heartbeats keep coming; the head and a little after it is all that is looked at.
      if (received.length < 16 * 1024) received = Buffer.concat([received, chunk]);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(received.subarray(0, 16).toString('latin1'));
      if (status && !resolved) {
        resolved = true;
        clearTimeout(timer);
        resolve(held(Number(status[1])));
      }
    });
    const ended = () => {
      open = false;
      if (!resolved) {
        resolved = true;
        clearTimeout(timer);
        resolve(held(undefined));
      }
    };
    socket.on('close', ended);
    socket.on('error', ended);
  });
}
