import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Token counts the fake reports, in the API's own field names. */
export interface FakeUsage {
  readonly input_tokens?: number;
  readonly output_tokens?: number;
  readonly cache_read_input_tokens?: number;
  readonly cache_creation_input_tokens?: number;
}

/**
 * When a scripted reply is sent: after `delayMs` (a slow API), and not before `until` settles
 * (a gate a test opens when it wants, so nothing depends on timing). Both apply when both are set.
 */
export interface FakeReplyTiming {
  readonly delayMs?: number;
  readonly until?: PromiseLike<unknown>;
}

/** One scripted reply of the fake Messages API. */
export type FakeAnthropicReply =
  /** A message whose content is one `tool_use` block (what forced tool use returns). */
  | ({
      readonly kind: 'tool_use';
      readonly name?: string;
      readonly input: unknown;
      readonly usage?: FakeUsage;
    } & FakeReplyTiming)
  /** A message with plain text only, as when a model ignores the tool. */
  | ({ readonly kind: 'text'; readonly text: string; readonly usage?: FakeUsage } & FakeReplyTiming)
  /** HTTP 200 with a body that is not JSON. */
  | ({ readonly kind: 'malformed_json'; readonly body?: string } & FakeReplyTiming)
  /** An error status with the API's error body; `retryAfterSeconds` sets `retry-after`. */
  | ({
      readonly kind: 'error';
      readonly status: number;
      readonly type?: string;
      readonly message?: string;
      readonly retryAfterSeconds?: number;
    } & FakeReplyTiming)
  /** Accepts the request and never answers (until the client gives up or the server closes). */
  | { readonly kind: 'hang' };

/** A JSON schema as the SDK sends it in `tools[].input_schema`. */
export interface RecordedJsonSchema {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, RecordedJsonSchema>>;
  readonly required?: readonly string[];
  readonly [keyword: string]: unknown;
}

/** The request body of POST /v1/messages, as far as tests look into it. */
export interface RecordedMessagesBody {
  readonly model?: string;
  readonly max_tokens?: number;
  readonly system?:
    | string
    | readonly {
        readonly type: string;
        readonly text: string;
        readonly cache_control?: { readonly type: string };
      }[];
  readonly tools?: readonly {
    readonly name: string;
    readonly description?: string;
    readonly input_schema: RecordedJsonSchema;
  }[];
  readonly tool_choice?: { readonly type: string; readonly name?: string };
  readonly messages?: readonly {
    readonly role: string;
    readonly content: string | readonly { readonly type: string; readonly text?: string }[];
  }[];
  readonly [field: string]: unknown;
}

/** One request the fake received, as far as tests look into it. */
export interface FakeAnthropicRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed JSON body. */
  readonly body: RecordedMessagesBody;
  readonly receivedAt: number;
}

/** A reply, a list (one per request, in order) or a function of the request and its index. */
export type FakeAnthropicScript =
  | FakeAnthropicReply
  | readonly FakeAnthropicReply[]
  | ((request: FakeAnthropicRequest, index: number) => FakeAnthropicReply);

/** A running fake Messages API; `await using` closes it. */
export interface FakeAnthropicServer extends AsyncDisposable {
  /** Pass as the SDK's `baseURL`, e.g. `http://127.0.0.1:43121`. */
  readonly url: string;
  /** Every request received on POST /v1/messages, in order (`requests.length` counts them). */
  readonly requests: FakeAnthropicRequest[];
  /** Requests on POST /v1/messages received and not yet answered or given up by the client. */
  readonly inFlight: number;
  /** The most requests that were in flight at the same moment, since the server started. */
  readonly maxInFlight: number;
  /** Replaces the script; the request count keeps counting. */
  setScript(script: FakeAnthropicScript): void;
  close(): Promise<void>;
}

const defaultUsage = { input_tokens: 812, output_tokens: 96 };

/**
 * A real HTTP server on 127.0.0.1 (random port) speaking the Anthropic Messages API closely
 * enough for `@anthropic-ai/sdk`: the response shape with `usage`, `tool_use` blocks, error bodies
 * `{ type: 'error', error: { type, message } }`, `request-id` and `retry-after` headers. A request
 * with no scripted reply gets a non-retryable 500 that says so.
 *
 * @example
 * ```ts
 * import { createClaudeDiagnoser } from '@website-monitor/claude-diagnoser';
 * import { startFakeAnthropicServer, validDiagnosisReply } from '@website-monitor/claude-diagnoser/testing';
 *
 * await using server = await startFakeAnthropicServer({ script: validDiagnosisReply() });
 * const diagnoser = createClaudeDiagnoser({ model: 'claude-sonnet-4-5', apiKey: 'test', baseURL: server.url });
 * const diagnosis = await diagnoser.diagnose({ context });
 * expect(server.requests).toHaveLength(1);
 * ```
 */
export async function startFakeAnthropicServer(
  options: { readonly script?: FakeAnthropicScript } = {},
): Promise<FakeAnthropicServer> {
  let script = options.script;
  const requests: FakeAnthropicRequest[] = [];
  // Responses not sent yet (hanging, delayed or gated), destroyed on close.
  const pending = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  let served = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        sendError(response, 500, 'api_error', `fake server bug: ${String(error)}`, { noRetry: true });
      }
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const text = await readBody(request);
    const requestId = `req_fake_${String(++served).padStart(4, '0')}`;
    response.setHeader('request-id', requestId);
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (request.method !== 'POST' || path !== '/v1/messages') {
      sendError(response, 404, 'not_found_error', `${request.method} ${path} is not served by the fake`, {
        noRetry: true,
      });
      return;
    }
    if (!request.headers['x-api-key'] && !request.headers.authorization) {
      sendError(response, 401, 'authentication_error', 'x-api-key header is required', { noRetry: true });
      return;
    }
    let body: RecordedMessagesBody;
    try {
      body = JSON.parse(text) as RecordedMessagesBody;
    } catch {
      sendError(response, 400, 'invalid_request_error', 'request body is not JSON', { noRetry: true });
      return;
    }
    if (typeof body !== 'object' || body === null || !Array.isArray(body.messages)) {
      sendError(response, 400, 'invalid_request_error', 'messages: Field required', { noRetry: true });
      return;
    }
    const recorded: FakeAnthropicRequest = {
      method: request.method,
      path,
      headers: request.headers,
      body,
      receivedAt: Date.now(),
    };
    const index = requests.length;
    requests.push(recorded);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    response.once('close', () => {
      inFlight -= 1;
    });
    const reply = replyFor(script, recorded, index);
    if (!reply) {
      sendError(
        response,
        500,
        'api_error',
        `FakeAnthropicServer: no scripted reply for request #${index + 1}; pass a script with enough replies`,
        { noRetry: true },
      );
      return;
    }
    const model = typeof body.model === 'string' ? body.model : 'claude-fake';
    if (reply.kind === 'hang') {
      hold(response);
      return;
    }
    if (reply.delayMs === undefined && reply.until === undefined) {
      send(response, reply, model, index + 1);
      return;
    }
    hold(response);
    if (reply.until) await reply.until;
    if (reply.delayMs !== undefined) await sleep(reply.delayMs);
    pending.delete(response);
    if (!response.destroyed && !response.writableEnded) send(response, reply, model, index + 1);
  }

  function hold(response: ServerResponse): void {
    pending.add(response);
    response.on('close', () => pending.delete(response));
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  function send(response: ServerResponse, reply: FakeAnthropicReply, model: string, number: number): void {
    switch (reply.kind) {
      case 'tool_use':
        sendJson(
          response,
          200,
          message(
            model,
            number,
            [
              {
                type: 'tool_use',
                id: `toolu_fake_${number}`,
                name: reply.name ?? 'record_diagnosis',
                input: reply.input,
              },
            ],
            'tool_use',
            reply.usage,
          ),
        );
        return;
      case 'text':
        sendJson(
          response,
          200,
          message(model, number, [{ type: 'text', text: reply.text }], 'end_turn', reply.usage),
        );
        return;
      case 'malformed_json':
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(reply.body ?? '{"id":"msg_fake","type":"message","content":[{"type":"tool_use",');
        return;
      case 'error':
        sendError(
          response,
          reply.status,
          reply.type ?? errorTypeFor(reply.status),
          reply.message ?? 'scripted error',
          {
            retryAfterSeconds: reply.retryAfterSeconds,
          },
        );
        return;
      case 'hang':
        hold(response);
        return;
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const close = async () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    for (const response of pending) response.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    setScript(next) {
      script = next;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

function replyFor(
  script: FakeAnthropicScript | undefined,
  request: FakeAnthropicRequest,
  index: number,
): FakeAnthropicReply | undefined {
  if (script === undefined) return undefined;
  if (typeof script === 'function') return script(request, index);
  if (isReplyList(script)) return script[index];
  return script;
}

function isReplyList(script: FakeAnthropicScript): script is readonly FakeAnthropicReply[] {
  return Array.isArray(script);
}

function message(
  model: string,
  number: number,
  content: unknown[],
  stopReason: string,
  usage: FakeUsage = {},
) {
  return {
    id: `msg_fake_${String(number).padStart(4, '0')}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: {
      input_tokens: usage.input_tokens ?? defaultUsage.input_tokens,
      output_tokens: usage.output_tokens ?? defaultUsage.output_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
      service_tier: 'standard',
    },
  };
}

function errorTypeFor(status: number): string {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  return 'api_error';
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function sendError(
  response: ServerResponse,
  status: number,
  type: string,
  message: string,
  options: { retryAfterSeconds?: number | undefined; noRetry?: boolean } = {},
) {
  const headers: Record<string, string> = {};
  if (options.retryAfterSeconds !== undefined) headers['retry-after'] = String(options.retryAfterSeconds);
  // The SDK obeys this header; the fake's own complaints should fail fast, not be retried.
  if (options.noRetry) headers['x-should-retry'] = 'false';
  const requestId = response.getHeader('request-id');
  sendJson(
    response,
    status,
    { type: 'error', error: { type, message }, request_id: requestId ?? null },
    headers,
  );
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * The text of the first user message of a recorded request (the string or its text blocks).
 *
 * @example
 * ```ts
 * import { userMessageText } from '@website-monitor/claude-diagnoser/testing';
 *
 * expect(userMessageText(server.requests[0])).not.toContain('s3cretPassw0rd');
 * ```
 */
export function userMessageText(request: FakeAnthropicRequest | undefined): string {
  const content = request?.body.messages?.find((message) => message.role === 'user')?.content;
  if (typeof content === 'string') return content;
  return (content ?? []).map((block) => block.text ?? '').join('\n');
}

/**
 * The text of the system prompt of a recorded request.
 *
 * @example
 * ```ts
 * import { systemText } from '@website-monitor/claude-diagnoser/testing';
 *
 * expect(systemText(server.requests[0])).toContain('untrusted');
 * ```
 */
export function systemText(request: FakeAnthropicRequest | undefined): string {
  const system = request?.body.system;
  if (typeof system === 'string') return system;
  return (system ?? []).map((block) => block.text).join('\n');
}
