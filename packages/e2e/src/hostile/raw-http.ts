import { connect, type Socket } from 'node:net';

/** What came back for one raw request: a status, a closed connection, or nothing in time. */
export type RawOutcome =
  | {
      readonly kind: 'answered';
      readonly status: number;
      readonly headers: Readonly<Record<string, string>>;
      /** The first `maxBodyBytes` of the body. */
      readonly body: Buffer;
      readonly elapsedMs: number;
    }
  /** The server closed the connection without a status line. */
  | { readonly kind: 'closed'; readonly elapsedMs: number; readonly error?: string }
  /** No status line within the timeout: a hang. */
  | { readonly kind: 'timeout'; readonly elapsedMs: number };

const maxBodyBytes = 256 * 1024;

/**
 * Sends `request` as raw bytes to 127.0.0.1:`port` and reads one response. Fetch and node:http
 * refuse most of what this suite sends (a space in a path, a bare LF, a lying Content-Length),
 * so requests are written by hand. The answer is complete at its Content-Length, at the end of
 * its chunked body, when the server closes, or, for streams (`text/event-stream`), at its
 * headers.
 */
export function sendRaw(options: {
  readonly port: number;
  readonly request: Buffer | string | readonly (Buffer | string)[];
  readonly timeoutMs?: number;
  /** Half-close after writing (the server then sees EOF). Default false. */
  readonly endAfterWrite?: boolean;
}): Promise<RawOutcome> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port: options.port });
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (outcome: RawOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', elapsedMs: elapsed() }), timeoutMs);
    const tryParse = (ended: boolean) => {
      const data = Buffer.concat(chunks);
      const parsed = parseResponse(data, ended);
      if (parsed) finish({ kind: 'answered', ...parsed, elapsedMs: elapsed() });
      else if (ended) {
        finish(
          data.length === 0
            ? { kind: 'closed', elapsedMs: elapsed() }
            : { kind: 'closed', elapsedMs: elapsed(), error: `unparsable answer: ${preview(data)}` },
        );
      }
    };
    socket.on('connect', () => {
      const parts = Array.isArray(options.request) ? options.request : [options.request];
      for (const part of parts) socket.write(part as Buffer | string);
      if (options.endAfterWrite) socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      // Only the head and the start of the body matter; the rest is counted, not kept.
      if (received < maxBodyBytes + 64 * 1024) chunks.push(chunk);
      received += chunk.length;
      tryParse(false);
    });
    socket.on('end', () => tryParse(true));
    socket.on('close', () => tryParse(true));
    socket.on('error', (error) => {
      if (chunks.length > 0) tryParse(true);
      else finish({ kind: 'closed', elapsedMs: elapsed(), error: error.message });
    });
  });
}

function parseResponse(
  data: Buffer,
  ended: boolean,
): { status: number; headers: Record<string, string>; body: Buffer } | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  // An interim answer (100 Continue) comes before the real one.
  if (/^HTTP\/1\.[01] 1\d\d/.test(data.subarray(0, 12).toString('latin1'))) {
    return parseResponse(data.subarray(headEnd + 4), ended);
  }
  const head = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
  if (!statusMatch) return undefined;
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(statusMatch[1]);
  const rest = data.subarray(headEnd + 4);
  if ((headers['content-type'] ?? '').startsWith('text/event-stream')) {
    return { status, headers, body: rest.subarray(0, maxBodyBytes) };
  }
  const length = headers['content-length'];
  if (length !== undefined) {
    const wanted = Number(length);
    if (rest.length >= Math.min(wanted, maxBodyBytes) || ended) {
      return { status, headers, body: rest.subarray(0, Math.min(wanted, maxBodyBytes)) };
    }
    return undefined;
  }
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    if (rest.includes('\r\n0\r\n\r\n') || rest.subarray(0, 5).toString() === '0\r\n\r\n' || ended) {
      return { status, headers, body: rest.subarray(0, maxBodyBytes) };
    }
    return rest.length >= maxBodyBytes
      ? { status, headers, body: rest.subarray(0, maxBodyBytes) }
      : undefined;
  }
  // No length: a 304/204, or a body that lasts until the server closes.
  if (status === 204 || status === 304 || ended)
    return { status, headers, body: rest.subarray(0, maxBodyBytes) };
  return undefined;
}

function preview(data: Buffer): string {
  return JSON.stringify(data.subarray(0, 120).toString('latin1'));
}

/** `GET path HTTP/1.1` with a loopback Host and `Connection: close`, plus `headers` lines. */
export function rawGet(path: string, port: number, headers: readonly string[] = []): string {
  return [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: close', ...headers, '', ''].join(
    '\r\n',
  );
}
