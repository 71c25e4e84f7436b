/** How the test app answers GET /health. */
export type HealthMode = 'ok' | 'fail' | 'hang';

/** What the test app does, turned into its environment by `testAppEnv`. */
export interface TestAppBehaviour {
  /** Initial /health answer (default ok); switch later with `setHealth`. */
  readonly healthMode?: HealthMode;
  /** Delay before /health answers, in milliseconds. */
  readonly healthDelayMs?: number;
  /** Exit after this many seconds (fractions allowed) with `exitCode`. */
  readonly exitAfterSeconds?: number;
  /** Exit code used with `exitAfterSeconds` (default 0). */
  readonly exitCode?: number;
  /** Allocate this many MiB per second until the memory limit kills the app. */
  readonly growMemoryMbPerSec?: number;
  /** Busy loops to run: true = 1. */
  readonly burnCpu?: boolean | number;
  /** Lines printed to stdout at start (and every `logEverySeconds`). */
  readonly logLines?: readonly string[];
  /** Lines printed to stderr at start (and every `logEverySeconds`). */
  readonly stderrLogLines?: readonly string[];
  /** Repeat the log lines this often. */
  readonly logEverySeconds?: number;
}

/** The environment (`KEY=value` list, as Docker's `Env`) that makes /app/testapp behave as described. */
export function testAppEnv(behaviour: TestAppBehaviour): string[] {
  return Object.entries(testAppEnvironment(behaviour)).map(([key, value]) => `${key}=${value}`);
}

/** The same environment as a record, as testcontainers' `withEnvironment` takes it. */
export function testAppEnvironment(behaviour: TestAppBehaviour): Record<string, string> {
  const environment: Record<string, string> = {};
  const add = (key: string, value: string | number | undefined) => {
    if (value !== undefined) environment[key] = String(value);
  };
  add('HEALTH_MODE', behaviour.healthMode);
  add('HEALTH_DELAY_MS', wholeNumber('healthDelayMs', behaviour.healthDelayMs));
  add('EXIT_AFTER_SECONDS', positiveNumber('exitAfterSeconds', behaviour.exitAfterSeconds));
  add('EXIT_CODE', behaviour.exitCode === undefined ? undefined : exitCode(behaviour.exitCode));
  add('GROW_MEMORY_MB_PER_SEC', wholeNumber('growMemoryMbPerSec', behaviour.growMemoryMbPerSec));
  const burnCpu =
    behaviour.burnCpu === true ? 1 : behaviour.burnCpu === false ? undefined : behaviour.burnCpu;
  add('BURN_CPU', wholeNumber('burnCpu', burnCpu));
  add('LOG_LINES', behaviour.logLines && encodeLines(behaviour.logLines));
  add('LOG_STDERR_LINES', behaviour.stderrLogLines && encodeLines(behaviour.stderrLogLines));
  add('LOG_EVERY_SECONDS', wholeNumber('logEverySeconds', behaviour.logEverySeconds));
  return environment;
}

/** The app prints with `printf %b`: escape backslashes, then join with the two characters `\n`. */
function encodeLines(lines: readonly string[]): string {
  return lines.map((line) => line.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')).join('\\n');
}

function wholeNumber(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be a whole number >= 0, got ${value}`);
  return value;
}

function positiveNumber(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a number > 0, got ${value}`);
  return value;
}

function exitCode(value: number): number {
  if (!Number.isInteger(value) || value < 0 || value > 255) {
    throw new RangeError(`exitCode must be a whole number from 0 to 255, got ${value}`);
  }
  return value;
}
