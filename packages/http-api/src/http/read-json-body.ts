import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

/**
 * A refused body is read to its end and thrown away before the 413 is sent, up to this much: a
 * server that answers and closes while the client is still writing makes the client fail with
 * EPIPE or ECONNRESET before it reads the answer (a request with `Connection: close`, as curl
 * and most scripts send, is closed by node:http as soon as the answer is out). Beyond it the
 * answer goes out at once and the connection is cut: nobody sends megabytes to this API honestly.
 */
const refusedBodyDrainBytes = 8 * 1024 * 1024;
/** ...and for at most this long, so a client that declares more than it sends gets its answer. */
const refusedBodyDrainMs = 3_000;

/**
 * Reads a JSON body of at most `maxBytes`. A body over the limit, declared or while streaming,
 * stops being kept; the rest is drained (bounded, see above) and then the promise rejects with
 * 413, so the answer reaches a client that writes its whole body before it reads.
 */
export function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    return refuseAfterDrain(
      request,
      new ApiError('payload_too_large', `request body is ${declared} bytes; the limit is ${maxBytes}`),
      declared <= refusedBodyDrainBytes,
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        chunks.length = 0;
        refuseAfterDrain(
          request,
          new ApiError('payload_too_large', `request body is over the limit of ${maxBytes} bytes`),
          true,
          size,
        ).catch(reject);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      try {
        resolve(parse(request, Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new ApiError('bad_request', `request body could not be read: ${error.message}`));
    };
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}

/**
 * Rejects with `refusal` once the rest of the body is read and discarded (when `drain`), or at
 * once; past the drain bounds the socket is destroyed after the answer (`connection: close`).
 */
function refuseAfterDrain(
  request: IncomingMessage,
  refusal: ApiError,
  drain: boolean,
  alreadyRead = 0,
): Promise<never> {
  if (!drain || request.complete) {
    request.resume();
    return Promise.reject(refusal);
  }
  return new Promise((_resolve, reject) => {
    let drained = alreadyRead;
    const done = () => {
      clearTimeout(timer);
      request.off('data', onData);
      request.off('end', done);
      request.off('close', done);
      request.off('error', done);
      // Whatever still arrives is discarded by node:http until the connection closes.
      request.resume();
      reject(refusal);
    };
    const onData = (chunk: Buffer) => {
      drained += chunk.length;
      if (drained > refusedBodyDrainBytes) done();
    };
    const timer = setTimeout(done, refusedBodyDrainMs);
    request.on('data', onData);
    request.on('end', done);
    request.on('close', done);
    request.on('error', done);
    request.resume();
  });
}

function parse(request: IncomingMessage, body: Buffer): unknown {
  if (body.length === 0) return {};
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new ApiError('unsupported_media_type', 'send the request body as Content-Type: application/json');
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new ApiError('bad_request', `request body is not valid JSON: ${(error as Error).message}`);
  }
}
