/** The default top of BENCHMARKS.md; after the first run it lives in the file and can be edited there. */
export const benchmarksIntro = `# Benchmarks

\`pnpm bench\` measures the agent against the real Docker engine and rewrites the results
section below. Every number is measured **side by side with a baseline in the same run**, because
the machines we run on are shared and noisy: compare the agent with its baseline (the ratio),
not with a number from another day. Latencies are reported as **median / p95** (nearest rank)
with the sample count; a sample that failed is listed under the table, never averaged in.

Every container the bench starts is one of ours: a unique name \`wm-bench-<run>-...\`, the labels
\`website-monitor.test=1\` and \`website-monitor.test-run=<run>\`, ports on 127.0.0.1 only, and all
of them are removed at the end (also on failure and Ctrl-C). The agents are scoped with
\`monitoring.discovery: listed\`, so other containers on the engine are never touched.

## What is measured

1. **\`die\` -> restart call.** A container of the test image exits by itself with code 1 one
   second after it starts (a crash; \`docker kill\` would be an operator's stop, which the agent
   deliberately leaves alone). The agent gets a \`ContainerRuntime\` decorator over
   \`createDockerRuntime\` that timestamps the moment the \`die\` event is handed to the agent and
   the moment the agent calls \`restart()\`. *Agent overhead* = restart call - event received:
   inspect, verdict, incident, diagnosis by rules, policy. *Daemon event -> restart call* adds
   the engine's delivery of the event (from its \`timeNano\`). Baseline: none (Docker's own policy
   makes no call); target: the project's "act within a second".
2. **\`health_status: unhealthy\` -> restart call.** A container with a Docker HEALTHCHECK
   (every 500 ms, one failure = unhealthy) is switched to failing through the test app's
   control endpoint; timed like 1.
3. **Crash -> running again.** \`die\` event -> next \`start\` event, both in the daemon's clock,
   seen by the bench's own event subscription. Agent samples alternate with the baseline:
   the same crashing container with Docker's \`on-failure\` restart policy, opted out of the
   agent (\`website-monitor.enable=false\`, and not listed). Docker waits 100 ms before its first
   policy restart. Target: the agent within 1.5x of Docker's policy.
4. **One full check pass over N containers with HTTP endpoints.** \`agent.checkAll()\` (list,
   inspect and HTTP probe of every watched container within \`max_concurrent_checks\`, until all
   verdicts are in; every sample must return one healthy verdict per container). Baseline: a
   naive sequential loop of inspect + \`GET /health\` over the same containers. Passes alternate,
   with a 1 s pause after each so stats readings left in flight do not load the next one.
   Target: the agent's pass < 1 s.
5. **CPU and memory while watching the N containers.** The agent runs in its own process
   (\`bench/agent-process.ts\`, bundled with esbuild so it runs plain JavaScript as users do), built
   from a config listing the containers with their health endpoints and the default intervals
   (probe every 10 s, full pass every 30 s). Baseline: a bare \`node -e "setInterval(() => {}, 1000)"\`
   started beside it. Both are sampled once a second from \`/proc/<pid>/stat\` (utime + stime) and
   \`/proc/<pid>/status\` (VmRSS) over the same window, after the agent's first pass. CPU is in
   percent of one core: median of the per-second values, and total CPU seconds. Target: RSS < 120 MB.

Knobs (environment): \`BENCH_SAMPLES\` (default 20), \`BENCH_CONTAINERS\` (default 100),
\`BENCH_WATCH_SECONDS\` (default 60). The results below say which were used.
`;
