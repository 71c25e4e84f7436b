import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A Docker API on a unix socket that shows only the containers carrying one label: lists and the
 * event stream are filtered, and any other container is "No such container" (404). An agent that
 * watches every container (`discovery: all`, autoheal's `AUTOHEAL_CONTAINER_LABEL=all`) can then
 * run against the shared test engine without seeing, let alone restarting, other tests'
 * containers. Everything else (ping, version, info, exec) passes through as it is.
 */
export interface ScopedDockerProxy extends AsyncDisposable {
  readonly socketPath: string;
  /** Requests answered 404 because they named a container out of scope. */
  readonly hidden: number;
}

/** `/v1.41/containers/json` -> `/containers/json`: the version prefix is optional in the API. */
const versionPrefix = /^\/v\d+\.\d+(?=\/)/;
const containerPath = /^\/containers\/([^/?]+)(\/[^?]*)?$/;

export async function startScopedDockerProxy(options: {
  readonly label: { readonly key: string; readonly value: string };
  readonly target?: string;
}): Promise<ScopedDockerProxy> {
  const target = options.target ?? '/var/run/docker.sock';
  const { key, value } = options.label;
  const directory = await mkdtemp(join(tmpdir(), 'wm-e2e-scoped-'));
  const socketPath = join(directory, 'docker.sock');
  const inScope = new Map<string, boolean>();
  let hidden = 0;

  const upstream = (request: IncomingMessage, path: string) =>
    httpRequest({ socketPath: target, method: request.method, path, headers: request.headers });

  /** Whether an id or name is one of ours: its labels, asked of the engine once. */
  const visible = (idOrName: string): Promise<boolean> => {
    const known = inScope.get(idOrName);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => {
      const ask = httpRequest(
        { socketPath: target, method: 'GET', path: `/containers/${encodeURIComponent(idOrName)}/json` },
        (answer) => {
          readBody(answer).then(
            (text) => {
              if (answer.statusCode !== 200) return resolve(false);
              const info = JSON.parse(text) as {
                Id: string;
                Name: string;
                Config?: { Labels?: Record<string, string> };
              };
              const ours = info.Config?.Labels?.[key] === value;
              inScope.set(info.Id, ours);
              inScope.set(info.Name.replace(/^\//, ''), ours);
              inScope.set(idOrName, ours);
              resolve(ours);
            },
            () => resolve(false),
          );
        },
      );
      ask.on('error', () => resolve(false));
      ask.end();
    });
  };

  const passThrough = (request: IncomingMessage, response: ServerResponse, path: string) => {
    const forward = upstream(request, path);
    forward.on('response', (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    forward.on('error', () => response.destroy());
    request.pipe(forward);
  };

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').replace(versionPrefix, '');
    const [pathname = '/'] = path.split('?');
    if (request.method === 'GET' && pathname === '/containers/json') {
      const forward = upstream(request, path);
      forward.on('response', async (answer) => {
        const text = await readBody(answer);
        let body = text;
        if (answer.statusCode === 200) {
          const listed = JSON.parse(text) as { Labels?: Record<string, string> }[];
          body = JSON.stringify(listed.filter((container) => container.Labels?.[key] === value));
        }
        response.writeHead(answer.statusCode ?? 502, { 'content-type': 'application/json' }).end(body);
      });
      forward.on('error', () => response.destroy());
      forward.end();
      return;
    }
    if (request.method === 'GET' && pathname === '/events') {
      const forward = upstream(request, path);
      forward.on('response', (answer) => {
        const { 'content-length': _length, ...headers } = answer.headers;
        response.writeHead(answer.statusCode ?? 502, headers);
        response.flushHeaders();
        let partial = '';
        answer.setEncoding('utf8');
        answer.on('data', (chunk: string) => {
          const lines = (partial + chunk).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) {
            if (line.trim() === '') continue;
            const event = JSON.parse(line) as {
              Type?: string;
              Actor?: { Attributes?: Record<string, string> };
            };
            if (event.Type === 'container' && event.Actor?.Attributes?.[key] !== value) continue;
            response.write(`${line}\n`);
          }
        });
        answer.on('end', () => response.end());
        response.on('close', () => answer.destroy());
      });
      forward.on('error', () => response.destroy());
      request.on('close', () => forward.destroy());
      forward.end();
      return;
    }
    const named = containerPath.exec(pathname);
    if (named?.[1] !== undefined && named[1] !== 'json' && named[1] !== 'create' && named[1] !== 'prune') {
      const idOrName = decodeURIComponent(named[1]);
      void visible(idOrName).then((ours) => {
        if (ours) return passThrough(request, response, path);
        hidden++;
        request.resume();
        response
          .writeHead(404, { 'content-type': 'application/json' })
          .end(JSON.stringify({ message: `No such container: ${idOrName}` }));
      });
      return;
    }
    passThrough(request, response, path);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  return {
    socketPath,
    get hidden() {
      return hidden;
    },
    async [Symbol.asyncDispose]() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}

function readBody(stream: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}
