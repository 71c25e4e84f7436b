import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly at: number;
}

/** How to answer the nth request (0-based): a status, or a function writing the response itself. */
export type ReceiverAnswer = number | ((response: ServerResponse) => void);

/** A webhook endpoint on 127.0.0.1 for tests: records requests, answers from a script. */
export interface WebhookReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Answers in order; the last one repeats. Default: 200. */
  answer(answers: readonly ReceiverAnswer[]): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(path = '/hooks/T000/B000/secret-token'): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  let answers: readonly ReceiverAnswer[] = [200];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const index = requests.length;
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: text === '' ? undefined : JSON.parse(text),
        at: Date.now(),
      });
      const answer = answers[Math.min(index, answers.length - 1)] ?? 200;
      if (typeof answer === 'function') answer(response);
      else response.writeHead(answer, { 'content-type': 'text/plain' }).end(answer < 300 ? 'ok' : 'error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    answer(next) {
      answers = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
