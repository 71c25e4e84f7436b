import { Agent } from 'node:http';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// Node's CommonJS cache, shared by every `require` in the process: it shows which files loaded.
const loaded = () => Object.keys(createRequire(import.meta.url).cache);
const isTransport = (file: string) => /[\\/](@grpc[\\/]|ssh2[\\/]|tweetnacl[\\/])/.test(file);

describe('dockerode with its unused transports deferred', () => {
  it('loads dockerode without gRPC or ssh2, and loads ssh2 at the first call that needs it', async () => {
    // Each test file runs in its own process: nothing may have loaded dockerode before this test.
    expect(loaded().filter((file) => /[\\/](dockerode|docker-modem)[\\/]/.test(file))).toEqual([]);

    const { loadDockerode } = await import('./dockerode.js');
    // Importing the module loads nothing yet: dockerode comes with the first call.
    expect(loaded().filter((file) => /[\\/](dockerode|docker-modem)[\\/]/.test(file))).toEqual([]);
    const Docker = await loadDockerode();
    expect(typeof Docker).toBe('function');
    const afterLoad = loaded();
    expect(afterLoad.some((file) => file.endsWith('/dockerode/lib/docker.js'))).toBe(true);
    expect(afterLoad.filter(isTransport)).toEqual([]);

    // docker-modem holds the stub it was given for its ssh transport; calling it loads the real
    // module, and what comes back is the real one's result (an http.Agent that dials over ssh).
    const sshFile = afterLoad.find((file) => file.endsWith('/docker-modem/lib/ssh.js'));
    expect(sshFile).toBeDefined();
    const require = createRequire(import.meta.url);
    const stub = require.cache[sshFile!]!.exports as (options: object) => unknown;
    expect(stub.name).toBe('deferredUntilFirstCall');
    const agent = stub({ host: '127.0.0.1', port: 1 });
    expect(agent).toBeInstanceOf(Agent);
    (agent as Agent).destroy();
    expect(loaded().some((file) => /[\\/]ssh2[\\/]/.test(file))).toBe(true);
    expect((require.cache[sshFile!]!.exports as { name: string }).name).not.toBe('deferredUntilFirstCall');
    // A second call goes straight to the real module.
    const second = stub({ host: '127.0.0.1', port: 1 });
    expect(second).toBeInstanceOf(Agent);
    (second as Agent).destroy();
  });

  it('still builds a working client', async () => {
    const Docker = await (await import('./dockerode.js')).loadDockerode();
    const docker = new Docker({ socketPath: '/nonexistent/docker.sock' });
    await expect(docker.ping()).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
