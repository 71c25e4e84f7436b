// The one place in core that starts a process: the script is the operator's own, on the agent's host.
import { spawn } from 'node:child_process';
import type { Incident } from '../../domain/incident.js';
import type { Clock } from '../../ports/clock.js';
import type { HealingContext, HealingOutcome, HealingStrategy } from '../healing-strategy.js';
import { errorMessage } from './outcome-text.js';

export const defaultScriptTimeoutSeconds = 30;
/** Output kept from the script (stdout and stderr together, the last bytes win). */
export const scriptOutputLimitBytes = 64 * 1024;
/** After the script exits, how long a background child may keep its output pipes open. */
const pipeDrainGraceMs = 1000;

/** What a custom script reads on stdin, as one JSON document. */
export interface CustomScriptInput {
  readonly incident: Incident;
  readonly container: {
    readonly id: string;
    readonly name: string;
    readonly image: string;
    readonly state: string;
  };
}

/**
 * Runs `step.script`, a path from the config file, on the agent's host. Nothing from logs or a
 * diagnosis reaches it: no shell, no arguments, an environment of PATH plus WEBSITE_MONITOR_*
 * variables (so the agent's own secrets stay out), the incident as JSON on stdin. The script runs
 * in its own process group so a timeout kills whatever it started too.
 */
export const customScriptStrategy: HealingStrategy = {
  name: 'custom_script',
  description: "Runs the step's script on the agent's host with the incident as JSON on stdin.",
  restartsContainer: false,
  run: runCustomScript,
};

async function runCustomScript(context: HealingContext): Promise<HealingOutcome> {
  const script = context.step?.script;
  if (script === undefined || !script.startsWith('/')) {
    return {
      ok: false,
      changedContainer: false,
      detail: `custom_script needs \`script\`, an absolute path in the config; got ${script === undefined ? 'none' : `"${script}"`}`,
    };
  }
  const timeoutSeconds = context.step?.timeoutSeconds ?? defaultScriptTimeoutSeconds;
  const { container, incident } = context;
  const input: CustomScriptInput = {
    incident,
    container: { id: container.id, name: container.name, image: container.image, state: container.state },
  };
  const env = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    WEBSITE_MONITOR_INCIDENT_ID: incident.id,
    WEBSITE_MONITOR_CONTAINER_ID: container.id,
    WEBSITE_MONITOR_CONTAINER_NAME: container.name,
    WEBSITE_MONITOR_TRIGGER: incident.trigger,
  };

  const startedAt = context.clock.now();
  const result = await runScript({
    script,
    stdin: JSON.stringify(input),
    env,
    timeoutMs: timeoutSeconds * 1000,
    clock: context.clock,
    signal: context.signal,
  });
  const took = `${context.clock.now() - startedAt} ms`;
  const output = result.output.trim();
  const shown = `${result.droppedBytes > 0 ? `[${result.droppedBytes} earlier bytes dropped]\n` : ''}${output}`;
  const withOutput = (text: string) => (output ? `${text}:\n${shown}` : text);

  if (result.spawnError !== undefined) {
    return {
      ok: false,
      changedContainer: false,
      detail: `cannot run script ${script}: ${errorMessage(result.spawnError)}`,
    };
  }
  if (result.timedOut) {
    return {
      ok: false,
      changedContainer: true,
      detail: withOutput(`script ${script} timed out after ${timeoutSeconds} s and was killed`),
    };
  }
  if (result.cancelled) {
    return {
      ok: false,
      changedContainer: true,
      detail: withOutput(`script ${script} was cancelled and killed`),
    };
  }
  const ended = result.exitCode !== null ? `exited ${result.exitCode}` : `was killed by ${result.signalName}`;
  return {
    ok: result.exitCode === 0,
    changedContainer: true,
    detail: withOutput(`script ${script} ${ended} after ${took}`),
  };
}

interface ScriptResult {
  readonly exitCode: number | null;
  readonly signalName: string | null;
  readonly output: string;
  readonly droppedBytes: number;
  readonly timedOut: boolean;
  readonly cancelled: boolean;
  readonly spawnError: Error | undefined;
}

function runScript(options: {
  readonly script: string;
  readonly stdin: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly signal: AbortSignal;
}): Promise<ScriptResult> {
  return new Promise((resolve) => {
    const output = new TailBuffer(scriptOutputLimitBytes);
    const stopTimers = new AbortController();
    let settled = false;
    let timedOut = false;
    let cancelled = false;

    const child = spawn(options.script, [], {
      shell: false,
      detached: true,
      cwd: '/',
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });

    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const finish = (end: { exitCode?: number | null; signalName?: string | null; spawnError?: Error }) => {
      if (settled) return;
      settled = true;
      stopTimers.abort();
      options.signal.removeEventListener('abort', onAbort);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({
        exitCode: end.exitCode ?? null,
        signalName: end.signalName ?? null,
        output: output.text(),
        droppedBytes: output.droppedBytes,
        timedOut,
        cancelled,
        spawnError: end.spawnError,
      });
    };
    const onAbort = () => {
      cancelled = true;
      killGroup();
    };

    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    // A script that never reads stdin closes the pipe early; that is its right, not an error.
    child.stdin.on('error', () => {});
    child.on('error', (error) => finish({ spawnError: error }));
    child.on('close', (exitCode, signalName) => finish({ exitCode, signalName }));
    child.on('exit', (exitCode, signalName) => {
      // A background child may hold the pipes open; the script's own exit is what counts.
      options.clock.sleep(pipeDrainGraceMs, stopTimers.signal).then(
        () => finish({ exitCode, signalName }),
        () => {},
      );
    });

    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener('abort', onAbort, { once: true });
    options.clock.sleep(options.timeoutMs, stopTimers.signal).then(
      () => {
        timedOut = true;
        killGroup();
      },
      () => {},
    );
    child.stdin.end(options.stdin);
  });
}

/** Keeps the last `limit` bytes of a stream. */
class TailBuffer {
  readonly #limit: number;
  readonly #chunks: Buffer[] = [];
  #size = 0;
  #dropped = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#chunks.length > 1 && this.#size - (this.#chunks[0]?.length ?? 0) >= this.#limit) {
      const first = this.#chunks.shift()!;
      this.#size -= first.length;
      this.#dropped += first.length;
    }
  }

  get droppedBytes(): number {
    return this.#dropped + Math.max(0, this.#size - this.#limit);
  }

  text(): string {
    const all = Buffer.concat(this.#chunks);
    return all.subarray(Math.max(0, all.length - this.#limit)).toString('utf8');
  }
}
