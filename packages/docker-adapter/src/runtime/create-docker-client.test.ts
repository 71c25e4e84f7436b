import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createDockerClient } from './create-docker-client.js';

describe('createDockerClient', () => {
  it('keeps its keep-alive agent out of docker-modem debug formatting (one word, not the socket pool)', () => {
    const { agent } = createDockerClient({
      kind: 'socket',
      socketPath: '/var/run/docker.sock',
      candidates: ['/var/run/docker.sock'],
      source: 'default',
    });
    // docker-modem runs exactly this on every request's options, debug enabled or not.
    expect(inspect({ agent }, { showHidden: true, depth: null })).toBe('{ agent: [http.Agent] }');
    agent.destroy();
  });
});
