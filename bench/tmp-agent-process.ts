// The agent as its own process, for the CPU and memory benchmark: built from a config exactly as
// an operator would run it, over the real Docker runtime, with nothing else loaded. The bench
// bundles this file with esbuild first, so the process runs plain JavaScript (Node's type
// stripper alone adds ~17 MB of RSS, which no user pays).
//
//   BENCH_AGENT_CONFIG='<yaml or json>' node agent-process.mjs
//
// Prints "ready <ms>" once the agent has started (first full pass done). Stops when stdin closes
// or on SIGTERM/SIGINT, so it never outlives the bench.
import { parseMonitorConfig, WebsiteMonitorAgent } from '@website-monitor/core';
import { createDockerRuntime } from '@website-monitor/docker-adapter';

const text = process.env.BENCH_AGENT_CONFIG;
if (text === undefined) {
  console.error('agent-process: set BENCH_AGENT_CONFIG to the agent config (YAML or JSON)');
  process.exit(2);
}

const startedAt = performance.now();
import { inspect } from 'node:util';
import { Agent } from 'node:http';
import Docker from 'dockerode';
const pool = new Agent({ keepAlive: true });
Object.defineProperty(pool, inspect.custom, { value: () => '[http.Agent]' });
const runtime = process.env.HIDE ? createDockerRuntime({ docker: new Docker({ socketPath: '/var/run/docker.sock', agent: pool } as Docker.DockerOptions) as never }) : createDockerRuntime();
const agent = new WebsiteMonitorAgent({
  config: parseMonitorConfig({ text, file: 'BENCH_AGENT_CONFIG' }),
  runtime,
});
await agent.start();
process.stdout.write(`ready ${Math.round(performance.now() - startedAt)}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await agent.stop();
  await runtime[Symbol.asyncDispose]();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.on('close', () => void stop());
process.stdin.resume();
