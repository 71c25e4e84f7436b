/** The default top of BENCHMARKS.md; after the first run it lives in the file and can be edited there. */
export const benchmarksIntro = `# Benchmarks

\`pnpm bench\` measures the agent against the real Docker engine, and the stores against the local
PostgreSQL server, and rewrites the results section below. Every number is measured **side by side with a baseline in the same run**, because
the machines we run on are shared and noisy: compare the agent with its baseline (the ratio),
not with a number from another day. Latencies are reported as **median / p95** (nearest rank)
with the sample count; a sample that failed is listed under the table, never averaged in.

Every container the bench starts is one of ours: a unique name \`wm-bench-<run>-...\`, the labels
\`website-monitor-test=1\` and \`website-monitor-test.run=<run>\`, ports on 127.0.0.1 only, and all
of them are removed at the end (also on failure and Ctrl-C). The store benchmarks use a fresh
database \`wm_bench_<random>\`, dropped at the end, and temporary files. The agents are scoped with
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
   The test app answers \`/health\` from a busybox shell forked by \`nc\` per connection, reading
   its state with builtins only (until 2026-11-28 it forked \`cat\` twice per request and ticked a
   \`sleep 1\` loop when idle: on this 2-core machine 100 of those made both the agent's pass and
   the baseline ~5 s, a measure of the containers' forks rather than of the agent).
   Target: the agent's pass < 1 s.
5. **CPU and memory while watching the N containers.** The agent is started the way a user
   starts it: \`website-monitor run --config FILE --no-listen\`, through the CLI's own launcher
   (\`packages/cli/bin/website-monitor.js\`, copied unchanged), in a temporary folder laid out like
   the installed package (\`bin/\`, \`dist/bin.js\` bundled from the sources with esbuild, no \`src/\`),
   so it runs plain JavaScript as users do and gets whatever the launcher does for \`run\` (it
   re-executes itself with \`--max-semi-space-size=2\`; the notes show the process's real command
   line from \`/proc\`). The config lists the containers with their health endpoints and the
   default intervals (HTTP probe every 3 s, stats at most 10 s apart, an inspect per container in
   the full pass every 30 s and at its events; until 2026-12-04 each container was inspected,
   read and probed every 10 s); the store is the default SQLite
   file beside it. No REST API: the staged build has no prebuilt dashboard, so serving it would
   measure a dashboard build no installed user pays. Baseline: a bare
   \`node -e "setInterval(() => {}, 1000)"\` started beside it. A second baseline for the launcher's
   flag: the same agent, started the same way at the same time over the same containers, with
   \`NODE_OPTIONS=--max-semi-space-size=64\` (V8's own choice on this machine: without a flag its
   young generation grew to 2 x 64 MB; the launcher leaves a user's choice alone). All three are
   sampled once a second from \`/proc/<pid>/stat\` (utime + stime) and \`/proc/<pid>/status\` (VmRSS)
   over the same window, starting 5 s after the agents logged \`agent_started\`. CPU is in percent
   of one core: median of the per-second values, and total CPU seconds. Target: RSS < 120 MB.
   What the agent leaves unloaded until it needs it: undici (probes use \`node:http\`, not
   \`fetch\`), the Anthropic SDK (no key, the default here), dockerode's gRPC and ssh2 transports.
   Together ~23 MB of RSS: the build before those changes, run beside the current one over the
   same 100 containers for 40 s, measured 132.0 / 133.6 MB against 109.0 / 109.8 MB.
6. **Rows per second into each store.** \`MemoryStore\`, SQLite (a temporary file, WAL), PostgreSQL
   (a fresh database, schema by the store's \`migrate()\`), and PostgreSQL behind the on-disk spool
   (\`@website-monitor/store-spool\`, as the CLI runs it). Rows are realistic \`HealthSample\`s (50
   containers, every 37th failing with a problem, varying response times, memory and CPU) with
   fresh ids, so every write is an insert. Per store, 10 rounds; each round writes 10,000 samples
   in batches of 500 (the agent recorder's batch size), then, as the baseline, 300 samples with one
   \`saveHealthSamples\` call (one INSERT) per row, then 200 incidents one \`saveIncident\` after
   another (the agent writes each incident before it acts; with the spool that includes its
   fsync). Rates are higher-is-better, so the second figure is the slow end (p5). Ratio = batched
   / one-per-call. Target (issue 3): 10,000 health samples/s into PostgreSQL.
7. **The seed's three queries over 1,000,000 health rows.** Loaded in SQL (\`INSERT ... SELECT
   generate_series\`, not through the store) into the tables \`migrate()\` created: 50 containers,
   timestamps spread evenly over the last 48 h (so "last hour" keeps about 1/48), plus 100,000
   incidents over 30 days. Baseline: a copy of both tables in a second schema, made with
   \`CREATE TABLE ... (LIKE ...)\`, which has the same columns and rows but none of our indexes (and
   no primary key). After \`VACUUM ANALYZE\` of all four, each query (verbatim; the search path
   selects the table) runs once unmeasured on each, then N times alternating. Ratio = indexed /
   unindexed: below 1 means the indexes help.

8. **HTTP endpoint switched to 500, 429 or a hang -> incident opened.** Each sample is its own
   container of the test image, its \`/health\` switched once through the app's control endpoint
   (\`/control/fail\`, \`/control/ratelimit\`, \`/control/hang\`); the time runs from just before that
   request to the agent's \`incident:opened\` event, in the bench's wall clock. An in-process agent
   at the new defaults (probe every 3 s, failures confirmed 0.5 s apart, threshold 3) watches 20
   containers per kind; beside it, in the same process and window, an agent at the old defaults
   (\`probe_interval_seconds: 10\`, \`confirm_interval_seconds: 10\`: kubelet's timing, each probe
   with its whole timeout) watches half as many, since each of its samples takes ~27-37 s. The
   switches are ~1 s apart with jitter, so they fall at every phase of the probe schedules.
   Healing is off (\`auto_heal_enabled: false\`): the incident is the measurement. The hangs come
   last, after both agents have probed for 120 s: the new-default agent has then learned every
   endpoint's response time (30 readings) and cuts a probe at \`max(1 s, 5 x (mean + 4 sd))\`; the
   old-default agent (a reading per 10 s) has not. One more row: a fresh agent, a few fresh
   containers switched to hang 15 s after it started (nothing learned): from its first probe that
   got no answer to the incident, against the promise of the configured timeout (10 s) + 2 s.
   Targets: p95 < 5 s for 500 and 429; a hang within timeout + 2 s.
9. **The CPU of the probe cadence.** Two agent processes started as in 5 over the same N
   containers at the same time, one at the new defaults and one at the old probe settings, both
   sampled from \`/proc\` once a second over the same window. Target: the new defaults cost less
   than 2 % of one core more (CPU seconds difference / window).

10. **One agent over N containers, idle.** N running containers of the test image
   (\`BENCH_SCALE_CONTAINERS\`, default 500) with no HTTP endpoint, watched as a user's host would
   be at the default intervals (events; a stats reading every 10 s; a full pass every 30 s). Two
   agent processes are started as in 5 at the same time, one listing all N, one listing the first
   \`BENCH_CONTAINERS\` (100) of them, and sampled from \`/proc\` once a second over the same window
   (\`BENCH_WATCH_SECONDS\`, starting 20 s after both logged \`agent_started\`, past their first
   pass) with a bare \`node\` beside them. No endpoints: on this 2-core machine 500 test apps
   forking a shell per probe would measure the containers, not the agent (see 4). Targets (issue
   12): RSS max < 160 MB, CPU (seconds / window) < 3 % of one core; the note gives the RSS each
   container beyond the first 100 adds. With \`BENCH_SCALE_BEFORE=<revision>\` a third agent, built
   from that revision (\`git archive\` into a temporary folder, with this checkout's dependencies),
   watches the same N in the same seconds: a claim about a change is checked in one run.
11. **All N crash at once.** Each container is told to crash through \`kill -USR1 1\` in it (the
   test app's exit-timer signal, forwarded by Docker's init: the app exits with code 1 and no
   \`kill\` event comes before the \`die\`, so both the agent and Docker take it for a crash; the
   timer itself is 100,000 s, so a restarted container stays up), 16 execs at a time. First the
   agent over all N (the idle one of 10, default \`max_concurrent_restarts\` 2, storm slots up to \`storm_concurrent_restarts\` 16) heals them; then it
   is stopped, the same containers are updated to Docker's \`on-failure\` policy and crashed the
   same way. Timed in the daemon's clock from the bench's own event subscription: first \`die\` ->
   last \`start\` ("the last one running again"), and each container's \`die\` -> \`start\`. The
   agent's RSS is sampled during its storm and 15 s after, and its log lines (info and above, as
   a user sees them) are counted. Targets (issue 12): the last one back within 1.1x of Docker's
   policy, RSS max < 200 MB, a handful of log lines per container (at most 10), none of them a
   \`healing_decision: wait\` repeated while a restart waits its turn.
12. **A fleet on one PostgreSQL.** In a fresh database migrated by the PostgreSQL store, with no
   agent and no container: (a) the seed's three queries as written, and their per-host versions
   (\`WHERE host = $1\` / \`AND host = $1\`), over one host's \`BENCH_HEALTH_ROWS\` (1,000,000)
   health samples and a tenth as many incidents, then over \`BENCH_FLEET_HOSTS\` (10) hosts of the
   same size in the same tables (rows made on the server with \`INSERT ... SELECT
   generate_series\`); (b) what that many agents of \`BENCH_CONTAINERS\` (100) containers each write
   at the default intervals for \`BENCH_FLEET_SECONDS\` (60): each is the agent's own \`Recorder\`
   over its own \`createPostgresStore({ connectionString })\`, fed one health sample per container
   per check interval and the baselines after each full pass; rows stored per second (counted in
   the table) and the latency of each write, beside one agent; (c) the capacity: that many writers
   sending 500-row batches as fast as they can for 15 s, beside one writer. Targets: every offered
   row stored, a write's p95 under the recorder's 1 s flush interval.

\`BENCH_ONLY=detection pnpm bench\` runs 8 and 9 alone (about 10 minutes),
\`BENCH_ONLY=healing pnpm bench\` runs 1-3 alone (about 3 minutes), \`BENCH_ONLY=footprint\` 4-5
(about 5 minutes), \`BENCH_ONLY=stores\` 6-7 (about 1 minute), \`BENCH_ONLY=scale\` 10-11 (about 30
minutes at 500 containers on this machine, most of it Docker starting them) and
\`BENCH_ONLY=fleet\` 12 (about 10 minutes at 10 x 1,000,000 rows): their rows and notes replace
those of the last run, the other rows stay, and a line under the machine facts says which rows
were measured when.

Knobs (environment): \`BENCH_SAMPLES\` (default 20; also the seed queries' runs), \`BENCH_CONTAINERS\`
(default 100; 12: containers per host), \`BENCH_SCALE_CONTAINERS\` (default 500; 10-11),
\`BENCH_SCALE_BEFORE\` (a revision to measure beside today's agent in 10), \`BENCH_WATCH_SECONDS\`
(default 60), \`BENCH_HEALTH_ROWS\` (default 1,000,000, a tenth as many incidents; 12: per host),
\`BENCH_FLEET_HOSTS\` (default 10), \`BENCH_FLEET_SECONDS\` (default 60) and \`BENCH_DATABASE_URL\`
(default \`postgres://postgres@127.0.0.1:5432/postgres\`, a user allowed to create databases). The
results below say which were used. A bench stopped with SIGKILL runs no clean-up: the next bench
removes the containers of bench processes that no longer run (each carries its bench's pid in
the label \`website-monitor-bench.pid\`).
`;
