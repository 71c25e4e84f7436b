import type { ContainerDetails } from '../domain/container.js';
import type { DiagnosisContext } from '../ports/diagnoser.js';
import { type RecordRedactor, recordRedactor } from './record-redactor.js';
import { redactDeepWith } from './redact-deep.js';
import { redactionMarker } from './redact-secrets.js';

/** One string of a diagnosis context: log lines are already cut to 2 KiB, labels are not. */
const maxContextFieldChars = 16 * 1024;
/** All strings of a context together: the log tail and error lines fit several times over. */
const maxContextChars = 256 * 1024;
/** An env variable name is kept up to this length. */
const maxEnvNameChars = 256;

/**
 * The values of `KEY=value` environment entries. Names are kept: `DATABASE_URL` is a useful
 * clue, its value is not ours to send.
 */
export function environmentValues(env: readonly string[]): string[] {
  return env.flatMap((entry) => {
    const separator = entry.indexOf('=');
    return separator < 0 ? [] : [entry.slice(separator + 1)];
  });
}

/**
 * The diagnosis context with every string bounded and redacted (logs, messages, labels,
 * health-check output), the container's own secrets masked wherever they appear, and the
 * environment reduced to names (`NAME=[REDACTED:env_value]`), so anything built from it can be
 * recorded or leave the host. Record keys, numbers and the shape stay as they are.
 *
 * The agent does this once, where it builds the context; a diagnoser given a context from
 * elsewhere does it again, which changes nothing in a context already redacted.
 *
 * @example
 * ```ts
 * import { type Diagnoser, redactContext } from '@website-monitor/core';
 *
 * const remoteDiagnoser: Diagnoser = {
 *   name: 'remote',
 *   async diagnose({ context }) {
 *     const response = await fetch('https://diagnose.example/api', { method: 'POST', body: JSON.stringify(redactContext(context)) });
 *     return await response.json();
 *   },
 * };
 * ```
 */
export function redactContext<T extends DiagnosisContext>(context: T): T {
  if (redacted.has(context)) return context;
  const container = context.container;
  // The container's record redactor: the records in the context (its incident, the verdict's
  // problems) were masked by it already and are not scanned again, and the strings every context
  // of this container repeats (its name, image, labels, a problem's message) are remembered.
  const redactor = recordRedactor(container);
  const { container: _container, ...rest } = context;
  const result = {
    ...redactDeepWith(rest, {
      redact: redactor.text,
      alreadyRedacted: redactor.produced,
      maxFieldChars: maxContextFieldChars,
      maxTotalChars: maxContextChars,
    }),
    container: container ? redactContainer(container, redactor) : container,
  } as unknown as T;
  redacted.add(result);
  return result;
}

/** Contexts and containers this module produced: given again, they are returned as they are. */
const redacted = new WeakSet<object>();
/** A container's redacted details, by the inspected details: the same for every context of one inspect. */
const containers = new WeakMap<ContainerDetails, ContainerDetails>();

function redactContainer(container: ContainerDetails, redactor: RecordRedactor): ContainerDetails {
  if (redacted.has(container)) return container;
  const known = containers.get(container);
  if (known) return known;
  const result = redactContainerOnce(container, redactor);
  redacted.add(result);
  containers.set(container, result);
  return result;
}

function redactContainerOnce(container: ContainerDetails, redactor: RecordRedactor): ContainerDetails {
  const { env, ...rest } = container;
  const redacted = redactDeepWith(rest, {
    redact: redactor.text,
    maxFieldChars: maxContextFieldChars,
    maxTotalChars: maxContextChars,
  });
  return {
    ...redacted,
    env: env.map((entry) => {
      const separator = entry.indexOf('=');
      const name = (separator < 0 ? entry : entry.slice(0, separator)).slice(0, maxEnvNameChars);
      return separator < 0 ? name : `${name}=${redactionMarker('env_value')}`;
    }),
  };
}
