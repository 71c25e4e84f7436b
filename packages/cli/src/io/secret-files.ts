import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MonitorError } from '@website-monitor/core';
import type { CliIo } from './cli-io.js';

/**
 * The variables the CLI reads as secrets, each of which may instead be given as `NAME_FILE`: the
 * path of a file holding the value, as Docker secrets (`/run/secrets/...`) and Compose's
 * file-based `secrets:` provide them.
 */
export const secretVariables = [
  'MONITOR_API_TOKEN',
  'ANTHROPIC_API_KEY',
  'DATABASE_URL',
  'PGPASSWORD',
  // autoheal drop-in mode (`run` with no config file): its notification URLs carry their tokens.
  'WEBHOOK_URL',
  'APPRISE_URL',
] as const;

/**
 * Names a deployment adds to `secretVariables`, comma- or space-separated: the variables its own
 * config file reads as `${NAME}` (`SLACK_WEBHOOK_URL`, `PAGER_TOKEN`...).
 */
export const extraSecretVariablesVariable = 'WEBSITE_MONITOR_SECRET_VARIABLES';

/** A secret file larger than this is refused: a secret is a token or a URL, not a document. */
export const maxSecretFileBytes = 64 * 1024;

type Env = Readonly<Record<string, string | undefined>>;

/** What `readSecretFiles` reads through; the real file system unless a test hands one in. */
export interface SecretFileSystem {
  /** The file's bytes; throws a Node.js file-system error (`code` ENOENT, EACCES, EISDIR...). */
  readonly readBounded: (path: string, maxBytes: number) => Buffer;
}

/**
 * The value of every `NAME_FILE` set in `env` for a secret variable NAME, read from its file
 * (one trailing newline dropped: `echo token > file` and Docker secrets made that way end in
 * one). Nothing else of the value is changed; a value that is only whitespace counts as empty.
 * Throws a `usage` MonitorError, naming the variable and the path but never the value, when both
 * NAME (non-empty) and NAME_FILE are set, or the file is missing, unreadable, a directory, empty or larger
 * than 64 KiB.
 *
 * @example
 * ```ts
 * // MONITOR_API_TOKEN_FILE=/run/secrets/monitor_api_token
 * readSecretFiles({ env: process.env }); // { MONITOR_API_TOKEN: '3f9a...' }
 * ```
 */
export function readSecretFiles(input: {
  readonly env: Env;
  readonly fileSystem?: SecretFileSystem;
}): Record<string, string> {
  const { env } = input;
  const fileSystem = input.fileSystem ?? nodeSecretFileSystem;
  const values: Record<string, string> = {};
  for (const name of secretVariableNames(env)) {
    const fileVariable = `${name}_FILE`;
    const path = env[fileVariable];
    if (path === undefined) continue;
    // An empty NAME (`ANTHROPIC_API_KEY=` in an env file) counts as unset, as everywhere else.
    if (env[name] !== undefined && env[name]?.trim() !== '') {
      throw new MonitorError(
        'usage',
        `${name} and ${fileVariable} are both set; set only one of them (${fileVariable} names a file holding the value)`,
      );
    }
    if (path.trim() === '')
      throw new MonitorError('usage', `${fileVariable} is set but empty; give the path of a file`);
    values[name] = readSecretFile(fileSystem, fileVariable, path);
  }
  return values;
}

/**
 * The CLI's `io` with every `NAME_FILE` secret read into NAME. The process's own environment is
 * changed in place (and NAME_FILE removed from it), so libraries that read it themselves, such
 * as node-postgres's `PGPASSWORD`, see the values too; any other `env` is copied.
 */
export function withSecretFiles(io: CliIo, fileSystem?: SecretFileSystem): CliIo {
  const values = readSecretFiles({ env: io.env, ...(fileSystem === undefined ? {} : { fileSystem }) });
  if (Object.keys(values).length === 0) return io;
  if (io.env === process.env) {
    for (const [name, value] of Object.entries(values)) {
      process.env[name] = value;
      delete process.env[`${name}_FILE`];
    }
    return io;
  }
  const env: Record<string, string | undefined> = { ...io.env, ...values };
  for (const name of Object.keys(values)) delete env[`${name}_FILE`];
  return { ...io, env };
}

function secretVariableNames(env: Env): readonly string[] {
  const extra = env[extraSecretVariablesVariable]?.split(/[\s,]+/).filter((name) => name !== '') ?? [];
  for (const name of extra) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new MonitorError(
        'usage',
        `${extraSecretVariablesVariable}: "${name}" is not a variable name (letters, digits and _, e.g. SLACK_WEBHOOK_URL)`,
      );
    }
  }
  return [...new Set([...secretVariables, ...extra])];
}

function readSecretFile(fileSystem: SecretFileSystem, fileVariable: string, path: string): string {
  let bytes: Buffer;
  try {
    bytes = fileSystem.readBounded(path, maxSecretFileBytes);
  } catch (error) {
    throw new MonitorError('usage', `${fileVariable}=${path}: ${whyUnreadable(error)}`);
  }
  if (bytes.length > maxSecretFileBytes) {
    throw new MonitorError(
      'usage',
      `${fileVariable}=${path}: the file is larger than ${maxSecretFileBytes / 1024} KiB; a secret file holds only the value`,
    );
  }
  const text = bytes.toString('utf8');
  const value = text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
  if (value.trim() === '') throw new MonitorError('usage', `${fileVariable}=${path}: the file is empty`);
  return value;
}

function whyUnreadable(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return `permission denied (the agent runs as uid ${process.getuid?.() ?? '?'}: give the secret that uid, e.g. a Docker secret's uid/mode)`;
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return `cannot be read (${typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)})`;
  }
}

/** Reads at most `maxBytes + 1` bytes, so an endless or huge file is refused without reading it all. */
const nodeSecretFileSystem: SecretFileSystem = {
  readBounded(path, maxBytes) {
    const fd = openSync(path, 'r');
    try {
      if (fstatSync(fd).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      const buffer = Buffer.alloc(maxBytes + 1);
      let length = 0;
      while (length < buffer.length) {
        const read = readSync(fd, buffer, length, buffer.length - length, null);
        if (read === 0) break;
        length += read;
      }
      return buffer.subarray(0, length);
    } finally {
      closeSync(fd);
    }
  },
};
