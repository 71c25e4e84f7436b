import { textRedactor } from './redact-secrets.js';

/**
 * Text shaped like what the agent redacts on the way from a crash to its restart (a problem's
 * message, a diagnosis, an action's reason) with one of each kind of secret the scanner knows.
 * Made-up values: none of them is a real credential.
 */
const sample = [
  'web-1 exited with code 1 (not a signal): the process ended with an error after 12.5 s',
  'Container web-1 crashed: exit code 1. Last log lines show no known cause; restarting within budget (1 of 3 in 5m)',
  'restart_container: crashed with exit code 1 (rule exit-code, confidence 0.6), attempt 2',
  'connecting to postgres://app:warmupPassw0rd@db:5432/app failed: ECONNREFUSED 10.0.0.2:5432',
  'Authorization: Bearer warmup0token0value0abcdefghijklmnop password=warmupSecretValue api_key: wm_warmup_0123456789abcdef',
  'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3YXJtdXAifQ.c2lnbmF0dXJlLXdhcm11cC12YWx1ZQ GET /healthz 200 3ms',
].join('\n');

/** Enough passes for V8 to compile the scanner's functions and patterns past their first tier. */
const passes = 12;

let warmed = false;

/**
 * Runs the secret scanner over `sample` at start, so the first crash after an agent starts is not
 * the one that pays for compiling it: measured cold, the first crash's redaction took 2-14 ms
 * against ~0.1 ms once warm (BENCHMARKS.md row 1 is `die` -> restart call). Costs 20-50 ms once per process
 * (on a loaded 2-core machine), at start, not per crash.
 */
export function warmSecretScanner(): void {
  if (warmed) return;
  warmed = true;
  const redact = textRedactor(['warmupKnownValue0123']);
  for (let pass = 0; pass < passes; pass++) redact(`${sample} ${pass}`);
}
