import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const stackFile = `${repoRoot}deploy/stack/website-monitor.stack.yml`;
export const postgresStackFile = `${repoRoot}deploy/stack/postgres.stack.yml`;
export const composeHostFile = `${repoRoot}deploy/compose/website-monitor.host.yml`;
export const wollomaticArgsFile = `${repoRoot}deploy/socket-proxy/wollomatic.args`;
export const tecnativaEnvFile = `${repoRoot}deploy/socket-proxy/socket-proxy.env`;

/** The parts of a Compose service the stack's tests look at. */
export interface StackService {
  readonly image?: string;
  readonly command?: readonly string[];
  readonly user?: string;
  readonly read_only?: boolean;
  readonly cap_drop?: readonly string[];
  readonly environment?: Record<string, string>;
  readonly volumes?: readonly (
    | string
    | { type: string; source: string; target: string; read_only?: boolean }
  )[];
  readonly secrets?: readonly (string | { source: string; target?: string; uid?: string; mode?: number })[];
  readonly networks?: readonly string[];
  readonly healthcheck?: { test: readonly string[]; interval?: string; disable?: boolean };
  readonly deploy?: {
    mode?: string;
    restart_policy?: { condition?: string };
    update_config?: { parallelism?: number; failure_action?: string; order?: string };
    resources?: { limits?: { cpus?: string; memory?: string } };
  };
}

export interface StackFile {
  readonly services: Record<string, StackService>;
  readonly volumes?: Record<string, { driver?: string; external?: boolean } | null>;
  readonly secrets?: Record<string, { external?: boolean; file?: string }>;
  readonly networks?: Record<string, { driver?: string; external?: boolean; name?: string }>;
}

/** A stack file as `docker stack deploy` reads it: YAML 1.1, so `mode: 0400` is octal. */
export function readStackFile(path: string): StackFile {
  return parse(readFileSync(path, 'utf8'), { version: '1.1' }) as StackFile;
}

/** `-allowGET=...` arguments to `{ GET: RegExp }`, anchored as socket-proxy anchors them (`^` + pattern + `$`). */
export function allowlistOf(args: readonly string[]): Map<string, RegExp> {
  const allow = new Map<string, RegExp>();
  for (const argument of args) {
    const match = /^-allow([A-Z]+)=(.*)$/s.exec(argument.trim());
    if (match?.[1] && match[2] !== undefined) allow.set(match[1], new RegExp(`^${match[2]}$`));
  }
  return allow;
}

/** The argument lines of deploy/socket-proxy/wollomatic.args (comments and blanks left out). */
export function wollomaticArgs(): string[] {
  return readFileSync(wollomaticArgsFile, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** Whether socket-proxy would forward `METHOD path` (405 and 403 are both "no"). */
export function allows(allow: Map<string, RegExp>, method: string, path: string): boolean {
  return allow.get(method)?.test(path) ?? false;
}
