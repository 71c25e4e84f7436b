import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIo, runCli } from '@website-monitor/cli';
import { type ConfigIssue, formatConfigIssues, validateConfigText } from '@website-monitor/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedConfigYaml } from '../failure-modes/seed-config.js';
import { looksLikeACrash, runCliProcess } from './cli-process.js';
import {
  type ConfigInput,
  everyKeyValues,
  mutateConfig,
  readerAttacks,
  wrongTypeAtEveryKey,
} from './config-mutations.js';
import { createHostileReport } from './hostile-report.js';
import { createSeededRandom, suiteSeed } from './seeded-random.js';

/**
 * Issue 10, the hostile-input suite, config part: the seed's config and examples/config.yaml with
 * a wrong type at every key, random edits (deleted, duplicated, renamed, re-indented lines,
 * truncation, stray bytes), and files that attack the YAML reader (alias bombs, self-references,
 * 20,000 anchors, deep nesting, 20 MB, binary). Each is either accepted or a clear config error:
 * every issue names a line or a path, in one readable line; never an exception, never slow.
 * Through the CLI (`config validate`, `run`): exit code 2 and no stack trace, within seconds and
 * 250 MB. Replay a run with `HOSTILE_SEED=<seed>`.
 */

const seed = suiteSeed();
const random = createSeededRandom(seed);
const report = createHostileReport({ name: 'hostile-config', seed });
const examplesConfig = readFileSync(new URL('../../../../examples/config.yaml', import.meta.url), 'utf8');
const bases: readonly ConfigInput[] = [
  { name: 'seed', text: seedConfigYaml },
  { name: 'examples/config.yaml', text: examplesConfig },
];

/** An in-process parse of one input must decide within this. */
const inProcessBoundMs = 1_000;
/** A CLI process (start-up from TypeScript source included) must be done within this. */
const cliBoundMs = 10_000;
const cliMaxRssBytes = 250 * 1024 * 1024;
/** One issue, formatted, must stay readable: an echo of a 100 KB value is not a clear message. */
const maxIssueLineChars = 2_000;

let folder: string;

/** Judges one config text in-process: a violation line, or undefined when it is accepted or a clear error. */
function judgeInProcess(area: string, input: ConfigInput): string | undefined {
  const started = performance.now();
  let result: ReturnType<typeof validateConfigText>;
  try {
    result = validateConfigText({ text: input.text, env: {} });
  } catch (error) {
    report.tried(area, 'exception');
    const message = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
    return `${input.name}: threw instead of a config error: ${message.slice(0, 300)}`;
  }
  const elapsedMs = performance.now() - started;
  report.tried(area, result.ok ? 'accepted' : 'config_error');
  const problems: string[] = [];
  if (elapsedMs > inProcessBoundMs) problems.push(`took ${Math.round(elapsedMs)} ms`);
  if (!result.ok) problems.push(...unclearIssues(result.issues, input.text));
  return problems.length > 0 ? `${input.name}: ${problems.join('; ')}` : undefined;
}

/** What makes a config error unclear: no issue, an issue with neither line nor path, an empty or overlong message. */
function unclearIssues(issues: readonly ConfigIssue[], text: string): string[] {
  if (issues.length === 0) return ['rejected with no issue listed'];
  const lineCount = text.split('\n').length;
  const problems: string[] = [];
  for (const issue of issues) {
    const formatted = formatConfigIssues([issue], 'config.yaml');
    if (issue.message.trim() === '') problems.push(`an issue with no message at ${issue.path || '(root)'}`);
    if (issue.line === undefined && issue.path === '')
      problems.push(`an issue naming neither line nor path: ${formatted.slice(0, 200)}`);
    if (issue.line !== undefined && (issue.line < 1 || issue.line > lineCount + 1)) {
      problems.push(`an issue at line ${issue.line} of a ${lineCount}-line file`);
    }
    if (formatted.length > maxIssueLineChars || formatted.includes('\n')) {
      problems.push(
        `an issue message of ${formatted.length} chars over ${formatted.split('\n').length} lines: ${JSON.stringify(formatted.slice(0, 160))}`,
      );
    }
  }
  return [...new Set(problems)];
}

function expectClear(area: string, violations: readonly string[], tried: number): void {
  const shown =
    violations.length > 12
      ? [...violations.slice(0, 12), `… and ${violations.length - 12} more`]
      : violations;
  expect(
    shown,
    `${area}: ${violations.length} of ${tried} inputs were not accepted nor a clear config error (seed ${seed}; replay with HOSTILE_SEED=${seed})`,
  ).toEqual([]);
}

/** A CliIo that keeps what the CLI writes and never exits the process. */
function capturedIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env: {},
    onStopSignal: () => () => {},
    exitNow: () => {},
    out: () => out,
    err: () => err,
  };
}

async function writeInput(name: string, input: ConfigInput): Promise<string> {
  const path = join(folder, `${name}.yaml`);
  await writeFile(path, input.bytes ?? input.text);
  return path;
}

describe('hostile input: config files', () => {
  beforeAll(async () => {
    process.stdout.write(`[hostile] hostile-config seed ${seed} (replay: HOSTILE_SEED=${seed})\n`);
    folder = await mkdtemp(join(tmpdir(), 'wm-hostile-config-'));
  });

  afterAll(async () => {
    if (folder) await rm(folder, { recursive: true, force: true });
    report.print();
  });

  it('the two base configs are valid as they are (the mutations start from a good file)', () => {
    for (const base of bases) {
      const result = validateConfigText({ text: base.text, env: {} });
      expect(result.issues, base.name).toEqual([]);
    }
  });

  it('a wrong type at every key of the seed config and examples/config.yaml is a clear config error', () => {
    const inputs = bases.flatMap((base) => wrongTypeAtEveryKey(base, everyKeyValues));
    const violations = inputs.flatMap(
      (input) => judgeInProcess('config.wrong-type-at-every-key', input) ?? [],
    );
    report.figure('keys x wrong types tried', inputs.length);
    expectClear('wrong type at every key', violations, inputs.length);
  }, 60_000);

  it('random edits of valid configs are accepted or a clear config error', () => {
    const mutationRandom = random.fork('mutations');
    const inputs = Array.from({ length: 400 }, (_, serial) =>
      mutateConfig(mutationRandom, mutationRandom.pick(bases), serial),
    );
    const violations = inputs.flatMap((input) => judgeInProcess('config.random-mutations', input) ?? []);
    expectClear('random mutations', violations, inputs.length);
  }, 60_000);

  it('through the CLI (in-process), rejected mutations exit 2 with FILE:LINE lines and no stack trace', async () => {
    const cliRandom = random.fork('cli-sample');
    const rejected: { input: ConfigInput; path: string }[] = [];
    for (let serial = 0; rejected.length < 25 && serial < 500; serial++) {
      const input = mutateConfig(cliRandom, cliRandom.pick(bases), serial);
      if (validateConfigText({ text: input.text, env: {} }).ok) continue;
      rejected.push({ input, path: await writeInput(`cli-${serial}`, input) });
    }
    const violations: string[] = [];
    for (const { input, path } of rejected) {
      for (const command of [
        ['config', 'validate', path],
        ['run', '--config', path, '--no-listen'],
      ]) {
        const io = capturedIo();
        const code = await runCli(command, io);
        const output = `${io.out()}${io.err()}`;
        report.tried('config.cli-in-process', `exit-${code}`);
        const lines = output.trim().split('\n');
        const problems = [
          ...(code === 2 ? [] : [`exit ${code}`]),
          ...(looksLikeACrash(output) ? ['a stack trace'] : []),
          ...(lines.every((line) => line.startsWith(`${path}:`))
            ? []
            : [
                `a line not naming the file: ${JSON.stringify(lines.find((line) => !line.startsWith(`${path}:`))?.slice(0, 160))}`,
              ]),
        ];
        if (problems.length > 0) violations.push(`${command[0]} ${input.name}: ${problems.join('; ')}`);
      }
    }
    expectClear('CLI in-process', violations, rejected.length * 2);
  }, 60_000);

  it('files that attack the YAML reader but are safe to read here (binary, NUL, UTF-16, tags, 5 MB) exit 2 from the CLI in-process', async () => {
    const directory = join(folder, 'a-directory.yaml');
    await mkdir(directory);
    const targets = [
      ...(await Promise.all(
        readerAttacks(random.fork('reader-attacks'))
          .filter((input) => !input.isolate)
          .map(async (input, index) => ({
            name: input.name,
            path: await writeInput(`safe-attack-${index}`, input),
          })),
      )),
      { name: 'a directory', path: directory },
      { name: 'a missing file', path: join(folder, 'missing.yaml') },
    ];
    const violations: string[] = [];
    for (const target of targets) {
      const io = capturedIo();
      const started = performance.now();
      const code = await runCli(['config', 'validate', target.path], io);
      const elapsedMs = performance.now() - started;
      const output = `${io.out()}${io.err()}`;
      report.tried('config.reader-attacks', `exit-${code}`);
      const problems = [
        ...(code === 2 ? [] : [`exit ${code}`]),
        ...(elapsedMs > inProcessBoundMs ? [`took ${Math.round(elapsedMs)} ms`] : []),
        ...(looksLikeACrash(output) ? [`a stack trace: ${JSON.stringify(output.slice(0, 240))}`] : []),
        ...(output.includes(target.path)
          ? []
          : [`no line names the file: ${JSON.stringify(output.slice(0, 160))}`]),
      ];
      if (problems.length > 0) violations.push(`${target.name}: ${problems.join('; ')}`);
    }
    expectClear('reader attacks in-process', violations, targets.length);
  }, 60_000);

  it('alias bombs, self-references, 20,000 anchors, deep nesting, 20 MB and /dev/zero exit 2 from the real CLI process within seconds and 250 MB', async () => {
    const targets: { name: string; path: string }[] = [
      ...(await Promise.all(
        readerAttacks(random.fork('reader-attacks'))
          .filter((input) => input.isolate)
          .map(async (input, index) => ({
            name: input.name,
            path: await writeInput(`attack-${index}`, input),
          })),
      )),
      { name: '/dev/zero', path: '/dev/zero' },
      { name: '/dev/urandom', path: '/dev/urandom' },
    ];
    const runs = [
      ...targets.map((target) => ({
        name: target.name,
        args: ['config', 'validate', target.path],
        path: target.path,
      })),
      // `run` must stop at the config, before any engine or store is touched.
      ...targets
        .filter((target) => /billion laughs \(|dev\/zero/.test(target.name))
        .map((target) => ({
          name: `run: ${target.name}`,
          args: ['run', '--config', target.path, '--no-listen'],
          path: target.path,
        })),
    ];
    const violations: string[] = [];
    let worstMs = 0;
    let worstRss = 0;
    // Three at a time: each is a Node process loading the CLI from TypeScript source.
    for (let index = 0; index < runs.length; index += 3) {
      const group = runs.slice(index, index + 3);
      const results = await Promise.all(
        group.map((run) =>
          runCliProcess(run.args, {
            timeoutMs: cliBoundMs * 2,
            env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
          }),
        ),
      );
      group.forEach((run, at) => {
        const result = results[at]!;
        worstMs = Math.max(worstMs, result.elapsedMs);
        worstRss = Math.max(worstRss, result.peakRssBytes);
        report.tried(
          'config.reader-attacks-cli',
          result.timedOut ? 'hang' : `exit-${result.code ?? result.signal}`,
        );
        const output = `${result.stdout}${result.stderr}`;
        const problems = [
          ...(result.timedOut ? [`still running after ${cliBoundMs * 2} ms (killed)`] : []),
          ...(!result.timedOut && result.code !== 2 ? [`exit ${result.code ?? result.signal}`] : []),
          ...(result.elapsedMs > cliBoundMs && !result.timedOut
            ? [`took ${Math.round(result.elapsedMs)} ms`]
            : []),
          ...(result.peakRssBytes > cliMaxRssBytes
            ? [`peak RSS ${Math.round(result.peakRssBytes / 1024 / 1024)} MB`]
            : []),
          ...(looksLikeACrash(output) ? [`a stack trace: ${JSON.stringify(output.slice(0, 240))}`] : []),
          ...(output.includes(run.path)
            ? []
            : [`no line names the file: ${JSON.stringify(output.slice(0, 160))}`]),
          ...(output.includes('agent_started') ? ['the agent started'] : []),
        ];
        if (problems.length > 0) violations.push(`${run.name}: ${problems.join('; ')}`);
      });
    }
    report.figure('slowest CLI process on a reader attack', worstMs, 'ms');
    report.figure('highest CLI peak RSS on a reader attack', worstRss / 1024 / 1024, 'MB');
    expectClear('reader attacks through the CLI process', violations, runs.length);
  }, 120_000);
});
