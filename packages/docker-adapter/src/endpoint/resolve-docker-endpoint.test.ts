import { MonitorError } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { describeDockerEndpoint, resolveDockerEndpoint } from './resolve-docker-endpoint.js';

const nothingExists = () => false;
const only = (path: string) => (candidate: string) => candidate === path;

describe('resolveDockerEndpoint', () => {
  it('takes a unix:// DOCKER_HOST as the socket path', () => {
    const endpoint = resolveDockerEndpoint({
      env: { DOCKER_HOST: 'unix:///srv/docker.sock' },
      exists: nothingExists,
    });
    expect(endpoint).toMatchObject({ kind: 'socket', socketPath: '/srv/docker.sock', source: 'DOCKER_HOST' });
  });

  it('takes a tcp:// DOCKER_HOST as plain http, and https on 2376 or with DOCKER_TLS_VERIFY', () => {
    expect(
      resolveDockerEndpoint({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' }, exists: nothingExists }),
    ).toEqual({
      kind: 'tcp',
      host: '127.0.0.1',
      port: 2375,
      protocol: 'http',
      certPath: undefined,
      source: 'DOCKER_HOST',
    });
    expect(
      resolveDockerEndpoint({
        env: { DOCKER_HOST: 'tcp://docker.example:2376', DOCKER_CERT_PATH: '/certs' },
        exists: nothingExists,
      }),
    ).toMatchObject({
      protocol: 'https',
      port: 2376,
      certPath: '/certs',
    });
    expect(
      resolveDockerEndpoint({
        env: { DOCKER_HOST: 'tcp://10.0.0.5:4000', DOCKER_TLS_VERIFY: '1' },
        exists: nothingExists,
      }),
    ).toMatchObject({
      protocol: 'https',
      port: 4000,
    });
  });

  it('takes an npipe:// DOCKER_HOST as a named pipe path', () => {
    const endpoint = resolveDockerEndpoint({
      env: { DOCKER_HOST: 'npipe:////./pipe/docker_engine' },
      exists: nothingExists,
    });
    expect(endpoint).toMatchObject({ kind: 'socket', socketPath: '//./pipe/docker_engine' });
    expect(describeDockerEndpoint(endpoint)).toBe('npipe:////./pipe/docker_engine');
  });

  it('refuses ssh:// and garbage with one readable usage line', () => {
    const ssh = () => resolveDockerEndpoint({ env: { DOCKER_HOST: 'ssh://me@box' }, exists: nothingExists });
    expect(ssh).toThrow(MonitorError);
    expect(ssh).toThrow(/ssh:\/\/, which is not supported/);
    expect(() =>
      resolveDockerEndpoint({ env: { DOCKER_HOST: 'tcp://[bad' }, exists: nothingExists }),
    ).toThrow(/not a valid address/);
  });

  it('tries the system, Docker Desktop and rootless sockets in that order', () => {
    const env = { HOME: '/home/ada', XDG_RUNTIME_DIR: '/run/user/1000' };
    const candidates = [
      '/var/run/docker.sock',
      '/home/ada/.docker/run/docker.sock',
      '/run/user/1000/docker.sock',
    ];
    expect(resolveDockerEndpoint({ env, uid: 1000, exists: nothingExists })).toEqual({
      kind: 'socket',
      socketPath: '/var/run/docker.sock',
      candidates,
      source: 'default',
    });
    expect(
      resolveDockerEndpoint({ env, uid: 1000, exists: only('/home/ada/.docker/run/docker.sock') }),
    ).toMatchObject({
      socketPath: '/home/ada/.docker/run/docker.sock',
    });
    expect(
      resolveDockerEndpoint({ env, uid: 1000, exists: only('/run/user/1000/docker.sock') }),
    ).toMatchObject({
      socketPath: '/run/user/1000/docker.sock',
    });
    // Both exist: the system socket wins.
    expect(resolveDockerEndpoint({ env, uid: 1000, exists: () => true })).toMatchObject({
      socketPath: '/var/run/docker.sock',
    });
  });

  it('uses /run/user/$UID when XDG_RUNTIME_DIR is unset', () => {
    const endpoint = resolveDockerEndpoint({
      env: {},
      uid: 1001,
      exists: only('/run/user/1001/docker.sock'),
    });
    expect(endpoint).toMatchObject({
      socketPath: '/run/user/1001/docker.sock',
      candidates: ['/var/run/docker.sock', '/run/user/1001/docker.sock'],
    });
  });

  it('lets an explicit socketPath or host win over DOCKER_HOST', () => {
    const env = { DOCKER_HOST: 'tcp://127.0.0.1:2375' };
    expect(
      resolveDockerEndpoint({ env, socketPath: '/tmp/proxy.sock', exists: nothingExists }),
    ).toMatchObject({
      kind: 'socket',
      socketPath: '/tmp/proxy.sock',
      source: 'option',
    });
    expect(
      resolveDockerEndpoint({ env, host: 'unix:///tmp/other.sock', exists: nothingExists }),
    ).toMatchObject({
      socketPath: '/tmp/other.sock',
      source: 'option',
    });
  });
});
