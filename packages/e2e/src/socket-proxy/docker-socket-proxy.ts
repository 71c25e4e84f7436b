import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A unix-socket pass-through to the Docker socket that a test can cut: every proxied connection
 * is destroyed and new ones are dropped on accept until `restore()`. What the agent behind it sees
 * is what it would see if the engine's socket went away for a while, events stream included, while
 * the engine itself (and the test's own direct connection) carry on.
 */
export interface DockerSocketProxy extends AsyncDisposable {
  readonly socketPath: string;
  /** Destroys every open connection and refuses new ones. */
  cut(): void;
  restore(): void;
  /** Connections accepted (and forwarded) so far. */
  readonly forwarded: number;
  /** Connections dropped on accept while cut. */
  readonly refused: number;
}

export async function startDockerSocketProxy(
  options: { readonly target?: string } = {},
): Promise<DockerSocketProxy> {
  const target = options.target ?? '/var/run/docker.sock';
  const directory = await mkdtemp(join(tmpdir(), 'wm-e2e-proxy-'));
  const socketPath = join(directory, 'docker.sock');
  const open = new Set<Socket>();
  let isCut = false;
  let forwarded = 0;
  let refused = 0;

  const server = createServer((client) => {
    if (isCut) {
      refused++;
      client.destroy();
      return;
    }
    forwarded++;
    const upstream = connect(target);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      // Either side failing ends both, the way a dropped socket ends an HTTP connection.
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });

  return {
    socketPath,
    cut() {
      isCut = true;
      for (const socket of open) socket.destroy();
    },
    restore() {
      isCut = false;
    },
    get forwarded() {
      return forwarded;
    },
    get refused() {
      return refused;
    },
    async [Symbol.asyncDispose]() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(directory, { recursive: true, force: true });
    },
  };
}
