import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDockerSwarmServices } from './create-docker-swarm-services.js';

// A fake Swarm manager on a unix socket: what goes over the wire (paths, query strings, bodies).

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

const servers: Server[] = [];
const seen: Seen[] = [];
const paused = JSON.parse(
  readFileSync(new URL('./fixtures/service-api-1.41-update-paused.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;
const tasks = readFileSync(new URL('./fixtures/tasks-api-1.41.json', import.meta.url), 'utf8');

async function fakeManager(handler: (request: IncomingMessage, response: ServerResponse) => void) {
  const socketPath = join(tmpdir(), `wm-fake-swarm-${randomBytes(4).toString('hex')}.sock`);
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      seen.push({ method: request.method ?? '', url: request.url ?? '', body });
      handler(request, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return socketPath;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** Answers as a manager would: the service, its tasks, and updates. */
function manager(
  update: (url: URL, response: ServerResponse) => void = (_url, response) =>
    json(response, 200, { Warnings: null }),
) {
  return (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(`http://docker${request.url}`);
    if (request.method === 'GET' && url.pathname === '/services/web') return json(response, 200, paused);
    if (request.method === 'GET' && url.pathname === '/tasks') return json(response, 200, tasks);
    if (request.method === 'POST' && url.pathname === '/services/web/update') return update(url, response);
    return json(response, 404, { message: 'service gone not found' });
  };
}

afterEach(async () => {
  seen.length = 0;
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

describe('createDockerSwarmServices over the wire', () => {
  it('inspects a service and lists its tasks by a service filter, on unversioned paths', async () => {
    await using services = createDockerSwarmServices({ socketPath: await fakeManager(manager()) });
    expect(await services.inspectService({ id: 'web' })).toMatchObject({ name: 'web', version: 30 });
    expect(await services.listTasks({ serviceId: 'cc8076d9ke90t1chbdt9its0k' })).toHaveLength(5);
    expect(seen.map((request) => `${request.method} ${request.url.split('?')[0]}`)).toEqual([
      'GET /services/web',
      'GET /tasks',
    ]);
    const filters = new URL(`http://docker${seen[1]?.url}`).searchParams.get('filters');
    expect(JSON.parse(filters ?? '')).toEqual({ service: ['cc8076d9ke90t1chbdt9its0k'] });
  });

  it('rolls back as docker service rollback does: the current spec, its version, rollback=previous', async () => {
    await using services = createDockerSwarmServices({ socketPath: await fakeManager(manager()) });
    await services.rollbackService({ id: 'web', version: 30 });
    const post = seen.find((request) => request.method === 'POST');
    const url = new URL(`http://docker${post?.url}`);
    expect(url.pathname).toBe('/services/web/update');
    expect(Object.fromEntries(url.searchParams)).toEqual({ version: '30', rollback: 'previous' });
    expect(JSON.parse(post?.body ?? '')).toEqual(paused.Spec);
  });

  it('forces an update as docker service update --force does: ForceUpdate raised by one, nothing else changed', async () => {
    await using services = createDockerSwarmServices({ socketPath: await fakeManager(manager()) });
    await services.forceUpdateService({ id: 'web', version: 30 });
    const post = seen.find((request) => request.method === 'POST');
    expect(Object.fromEntries(new URL(`http://docker${post?.url}`).searchParams)).toEqual({ version: '30' });
    const spec = paused.Spec as { TaskTemplate: Record<string, unknown> };
    expect(JSON.parse(post?.body ?? '')).toEqual({
      ...spec,
      TaskTemplate: { ...spec.TaskTemplate, ForceUpdate: 1 },
    });
  });

  it('changes nothing when the service changed since the decision, and maps Swarm’s own refusal to conflict', async () => {
    const socketPath = await fakeManager(
      manager((_url, response) =>
        json(response, 500, { message: 'rpc error: code = Unknown desc = update out of sequence' }),
      ),
    );
    await using services = createDockerSwarmServices({ socketPath });
    await expect(services.rollbackService({ id: 'web', version: 29 })).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringContaining('changed since it was read (version 29, now 30)'),
    });
    expect(seen.filter((request) => request.method === 'POST')).toEqual([]);
    await expect(services.rollbackService({ id: 'web', version: 30 })).rejects.toMatchObject({
      kind: 'conflict',
      message: expect.stringContaining('update out of sequence'),
    });
  });

  it('says not_found for a service that is gone, and api for a worker node', async () => {
    const socketPath = await fakeManager((request, response) => {
      if (request.url?.startsWith('/services/gone'))
        return json(response, 404, { message: 'service gone not found' });
      return json(response, 503, {
        message:
          "This node is not a swarm manager. Worker nodes can't be used to view or modify cluster state.",
      });
    });
    await using services = createDockerSwarmServices({ socketPath });
    await expect(services.inspectService({ id: 'gone' })).rejects.toMatchObject({ kind: 'not_found' });
    await expect(services.listTasks({ serviceId: 'web' })).rejects.toMatchObject({
      kind: 'api',
      message: expect.stringContaining('not a swarm manager'),
    });
  });
});
