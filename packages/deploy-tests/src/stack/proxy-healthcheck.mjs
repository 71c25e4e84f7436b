#!/usr/bin/env node
// The stand-in's `./healthcheck` (socket-proxy's image has one of that name, which the stack's
// health check runs): exit 0 when the filtered socket answers GET /_ping, 1 otherwise.
import http from 'node:http';

const request = http.get(
  { socketPath: '/run/docker-proxy/docker.sock', path: '/_ping', timeout: 4_000 },
  (response) => {
    response.resume();
    process.exit(response.statusCode === 200 ? 0 : 1);
  },
);
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', () => process.exit(1));
