import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './wait-until.js';

/** The CLI's entry, run from source as a person would: `node packages/cli/src/bin.ts run ...`. */
const cliEntry = fileURLToPath(new URL('../../../cli/src/bin.ts', import.meta.url));

/** One line of the agent's JSON log on stdout. */
export interface AgentLogLine {
  readonly level: string;
  readonly event: string;
  readonly [field: string]: unknown;
}

/** A real `website-monitor run` process. */
export interface AgentProcess extends AsyncDisposable {
  readonly pid: number;
  /** Every JSON log line so far, in order. */
  readonly log: AgentLogLine[];
  /** Lines of one event, optionally only those whose fields match. */
  logged(event: string, fields?: Readonly<Record<string, unknown>>): AgentLogLine[];
  /** Waits for the `count`-th line of `event` matching `fields` (1 = the first). */
  waitForLog(
    event: string,
    options?: {
      readonly fields?: Readonly<Record<string, unknown>>;
      readonly count?: number;
      readonly timeoutMs?: number;
    },
  ): Promise<AgentLogLine>;
  stderr(): string;
  /** Stdout lines that are not JSON, and stderr, for a failure message. */
  transcript(): string;
  /** SIGKILL: no cleanup, no spool flush, the spool's lock left as it is. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit (SIGKILL after `timeoutMs`). */
  stop(options?: { readonly timeoutMs?: number }): Promise<{ code: number | null; signal: string | null }>;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Every agent process started here, so a test's `afterAll` can end what a failed test left. */
const running = new Set<AgentProcess>();

/**
 * Spawns `website-monitor run --config FILE --no-listen` (or `--listen ADDRESS`) with `env` added
 * to this process's environment (DATABASE_URL is removed unless `env` sets it, so the config
 * decides the store).
 */
export function startAgentProcess(options: {
  /** Undefined: no `--config` (the agent then reads autoheal's AUTOHEAL_* environment). */
  readonly configPath: string | undefined;
  /** The working directory (where a config-less agent keeps `.website-monitor/monitor.db`). */
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** `HOST:PORT` for the REST API (`127.0.0.1:0`: any free port, named on stderr). */
  readonly listen?: string;
  /** More `run` arguments, e.g. `['--standby']`. */
  readonly args?: readonly string[];
}): AgentProcess {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      cliEntry,
      'run',
      ...(options.configPath === undefined ? [] : ['--config', options.configPath]),
      ...(options.listen ? ['--listen', options.listen] : ['--no-listen']),
      ...(options.args ?? []),
    ],
    {
      env: { ...inherited, LOG_LEVEL: 'info', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    },
  );
  const log: AgentLogLine[] = [];
  const other: string[] = [];
  let stderr = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') continue;
      try {
        log.push(JSON.parse(line) as AgentLogLine);
      } catch {
        other.push(line);
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const matches = (line: AgentLogLine, fields: Readonly<Record<string, unknown>>) =>
    Object.entries(fields).every(([key, value]) => line[key] === value);
  const logged = (event: string, fields: Readonly<Record<string, unknown>> = {}) =>
    log.filter((line) => line.event === event && matches(line, fields));
  const transcript = () =>
    [
      ...log.map((line) => JSON.stringify(line)),
      ...other.map((line) => `(stdout) ${line}`),
      `--- stderr ---\n${stderr}`,
    ].join('\n');
  let exitInfo: { code: number | null; signal: string | null } | undefined;
  void exited.then((info) => {
    exitInfo = info;
  });

  const stop = async ({ timeoutMs = 10_000 } = {}) => {
    if (exitInfo) return exitInfo;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  const agent: AgentProcess = {
    pid: child.pid ?? -1,
    log,
    logged,
    async waitForLog(event, { fields = {}, count = 1, timeoutMs = 45_000 } = {}) {
      try {
        return await waitUntil(
          `log event ${event} #${count} ${JSON.stringify(fields)}`,
          () => {
            const line = logged(event, fields)[count - 1];
            if (line) return line;
            if (exitInfo) throw new Error(`the agent exited (${JSON.stringify(exitInfo)}) before ${event}`);
            return undefined;
          },
          { timeoutMs, intervalMs: 20 },
        );
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- agent ${child.pid} ---\n${transcript()}`);
      }
    },
    stderr: () => stderr,
    transcript,
    async kill() {
      if (!exitInfo) child.kill('SIGKILL');
      await exited;
    },
    stop,
    exited,
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
  running.add(agent);
  void exited.then(() => running.delete(agent));
  return agent;
}

/** Ends every agent process still running (an `afterAll` safety net for failed tests). */
export async function stopAllAgentProcesses(): Promise<void> {
  await Promise.all([...running].map((agent) => agent.stop({ timeoutMs: 5_000 })));
}
