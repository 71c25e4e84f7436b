import type { IncomingMessage } from 'node:http';
import { ApiError } from './api-error.js';

/**
 * Reads a JSON body of at most `maxBytes`: a declared length over the limit is refused before a
 * byte is read, and a body that grows past it while streaming stops being kept. The rest is
 * drained, not destroyed, so the 413 answer still reaches the client.
 */
export function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume();
    return Promise.reject(
      new ApiError('payload_too_large', `request body is ${declared} bytes; the limit is ${maxBytes}`),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        request.resume();
        reject(new ApiError('payload_too_large', `request body is over the limit of ${maxBytes} bytes`));
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
