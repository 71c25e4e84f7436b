import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '../harness/wait-until.js';
import type { LoopProbeSample } from './event-loop-probe.js';

/** The CLI's entry, run from source as a person would: `node packages/cli/src/bin.ts run ...`. */
const cliEntry = fileURLToPath(new URL('../../../cli/src/bin.ts', import.meta.url));
const probeEntry = fileURLToPath(new URL('./event-loop-probe.ts', import.meta.url));

/** Kept of one agent log line: a hostile container must not be able to grow the test's memory. */
const maxKeptLineChars = 16 * 1024;
const maxKeptLines = 20_000;
/** A stdout line still unfinished past this is counted and dropped. */
const maxPendingLineChars = 32 * 1024 * 1024;

/** One line of the agent's JSON log on stdout (cut to `maxKeptLineChars` when longer). */
export interface HostileLogLine {
  readonly level?: string;
  readonly event?: string;
  readonly [field: string]: unknown;
}

/** What the agent's own probe reported since a mark: the worst of each figure. */
export interface LoopFigures {
  readonly samples: number;
  readonly maxStallMs: number;
  readonly p99StallMs: number;
  readonly maxRssBytes: number;
  /** The longest gap between two probe reports (a stalled loop cannot report). */
  readonly maxReportGapMs: number;
}

/** A real `website-monitor run` process with the event-loop probe inside it. */
export interface HostileAgent extends AsyncDisposable {
  readonly pid: number;
  /** `http://127.0.0.1:PORT` of its REST API. */
  readonly url: string;
  readonly port: number;
  /** JSON log lines (the first `maxKeptLines`). */
  readonly log: readonly HostileLogLine[];
  /** Stdout lines that are not one JSON object: the agent's log must never carry raw container text. */
  readonly nonJsonLines: readonly string[];
  /** Bytes the agent wrote to stdout and stderr. */
  readonly outputBytes: () => { stdout: number; stderr: number };
  /** The longest stdout line, in characters, and how many were too long to keep at all. */
  readonly longestLine: () => { chars: number; overlong: number };
  readonly stderr: () => string;
  /** True once the process has exited. */
  readonly exited: () => { code: number | null; signal: string | null } | undefined;
  /** Figures since the last `takeFigures()` (or the start), then starts a new window. */
  takeFigures(): LoopFigures;
  /** Figures over the whole run. */
  readonly totals: () => LoopFigures;
  /** The last lines of the transcript, for a failure message. */
  tail(lines?: number): string;
  stop(timeoutMs?: number): Promise<{ code: number | null; signal: string | null }>;
}

/**
 * Starts `website-monitor run --config FILE --listen 127.0.0.1:0` with `env` added, the probe
 * preloaded, and waits for its API to listen.
 */
export async function startHostileAgent(options: {
  readonly configPath: string;
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
}): Promise<HostileAgent> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', probeEntry, cliEntry, 'run', '--config', options.configPath, '--listen', '127.0.0.1:0'],
    {
      env: { ...inherited, LOG_LEVEL: 'info', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  const log: HostileLogLine[] = [];
  const nonJsonLines: string[] = [];
  const transcript: string[] = [];
  let stdoutBytes = 0;
  let stderrBytes = 0;
  let stderrText = '';
  let partial = '';
  let longestLineChars = 0;
  let overlongLines = 0;
  let skippingOverlong = false;
  let exitInfo: { code: number | null; signal: string | null } | undefined;

  const keepTranscript = (line: string) => {
    transcript.push(line.length > 2_000 ? `${line.slice(0, 2_000)}… [${line.length} chars]` : line);
    if (transcript.length > 400) transcript.splice(0, transcript.length - 400);
  };
  child.stdout?.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    // Never concatenate without a bound: an agent that echoes a 10 MB container line would
    // otherwise make the test hold it whole. The cut keeps the line's start, enough to parse
    // its fields, and remembers it was cut.
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    if (partial.length > maxPendingLineChars) {
      // A log line this long is a finding of its own; its text is not worth holding.
      longestLineChars = Math.max(longestLineChars, partial.length);
      if (!skippingOverlong) overlongLines++;
      partial = '';
      skippingOverlong = true;
    }
    for (const line of lines) {
      if (skippingOverlong) {
        skippingOverlong = false;
        continue;
      }
      longestLineChars = Math.max(longestLineChars, line.length);
      if (line === '') continue;
      keepTranscript(line);
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        if (nonJsonLines.length < 200) nonJsonLines.push(line.slice(0, 500));
        continue;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        if (nonJsonLines.length < 200) nonJsonLines.push(line.slice(0, 500));
        continue;
      }
      if (log.length < maxKeptLines) {
        log.push(
          line.length > maxKeptLineChars
            ? { ...pickShortFields(parsed as Record<string, unknown>), cutAtChars: line.length }
            : (parsed as HostileLogLine),
        );
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrBytes += chunk.length;
    if (stderrText.length < 64 * 1024) stderrText += chunk.toString('utf8');
  });

  const emptyWindow = () => ({
    samples: 0,
    maxStallMs: 0,
    p99StallMs: 0,
    maxRssBytes: 0,
    maxReportGapMs: 0,
  });
  let window = emptyWindow();
  let total = emptyWindow();
  let lastReportAt: number | undefined;
  child.on('message', (message: unknown) => {
    const sample = message as LoopProbeSample;
    if (sample?.kind !== 'loop-probe') return;
    const now = Date.now();
    const gap = lastReportAt === undefined ? 0 : now - lastReportAt;
    lastReportAt = now;
    const fold = (figures: typeof window) => ({
      samples: figures.samples + 1,
      maxStallMs: Math.max(figures.maxStallMs, sample.maxStallMs),
      p99StallMs: Math.max(figures.p99StallMs, sample.p99StallMs),
      maxRssBytes: Math.max(figures.maxRssBytes, sample.rssBytes),
      maxReportGapMs: Math.max(figures.maxReportGapMs, gap),
    });
    window = fold(window);
    total = fold(total);
  });

  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
  });
  const tail = (count = 60) =>
    [...transcript.slice(-count), `--- stderr ---`, stderrText.slice(-4_000)].join('\n');
  const stop = async (timeoutMs = 15_000) => {
    if (exitInfo) return exitInfo;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };

  let url: string;
  try {
    url = await waitUntil(
      'the agent API to listen',
      () => {
        if (exitInfo) {
          throw new Error(`the agent exited (${JSON.stringify(exitInfo)}) before listening\n${tail()}`);
        }
        const line = log.find((entry) => entry.event === 'api_listening');
        return typeof line?.url === 'string' ? line.url : undefined;
      },
      { timeoutMs: options.startTimeoutMs ?? 60_000, intervalMs: 50 },
    );
  } catch (error) {
    await stop(5_000);
    throw error;
  }
  return {
    pid: child.pid ?? -1,
    url,
    port: Number(new URL(url).port),
    log,
    nonJsonLines,
    outputBytes: () => ({ stdout: stdoutBytes, stderr: stderrBytes }),
    longestLine: () => ({ chars: longestLineChars, overlong: overlongLines }),
    stderr: () => stderrText,
    exited: () => exitInfo,
    takeFigures() {
      const figures = window;
      window = emptyWindow();
      return figures;
    },
    totals: () => total,
    tail,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}

/** The fields of a cut log line that are short enough to keep (level, event, container, action...). */
function pickShortFields(line: Record<string, unknown>): HostileLogLine {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(line)) {
    if (typeof value === 'string' && value.length > 200) kept[key] = `${value.slice(0, 200)}…`;
    else if (typeof value !== 'object' || value === null) kept[key] = value;
  }
  return kept;
}

/**
 * Waits for the agent's `agent_started` line and `settleMs` more (its first pass), then starts a
 * fresh figures window: loading modules and the first pass are start-up, not a reaction to any
 * input, and are returned to be reported on their own.
 */
export async function settleAfterStart(agent: HostileAgent, settleMs = 1_500): Promise<LoopFigures> {
  await waitUntil(
    'the agent_started log line',
    () => {
      if (agent.exited()) throw new Error(`the agent exited before it started\n${agent.tail()}`);
      return agent.log.some((line) => line.event === 'agent_started') ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 50 },
  );
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  return agent.takeFigures();
}
