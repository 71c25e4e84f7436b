import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ReadmeCommand, readmeCommands } from './readme-commands.ts';

// Every example is run exactly as its README says, from the repository root, on the real Docker
// engine where it needs one: `pnpm build` really builds, `pnpm vitest run ...` is a vitest of its
// own, and an agent "that runs until Ctrl-C" is started, watched until it has started, then
// interrupted like a person would (SIGINT to its process group), and must stop cleanly.

const examplesDir = fileURLToPath(new URL('./', import.meta.url));
const repoRoot = join(examplesDir, '..');
const readmes = [
  'README.md',
  ...readdirSync(examplesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(examplesDir, entry.name, 'README.md')))
    .map((entry) => join(entry.name, 'README.md')),
];

/** The environment a person has: none of this test run's own vitest variables. */
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));

interface Finished {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
}

function run(entry: ReadmeCommand, timeoutMs: number): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', entry.command], {
      cwd: repoRoot,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let interrupted = false;
    const groupKill = (signal: NodeJS.Signals) => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, signal);
    };
    const deadline = setTimeout(() => groupKill('SIGKILL'), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      // The agent logs `agent_started` (one JSON line) once it watches the engine: Ctrl-C now.
      if (entry.untilInterrupted && !interrupted && output.includes('"event":"agent_started"')) {
        interrupted = true;
        groupKill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (exitCode, signal) => {
      clearTimeout(deadline);
      if (entry.untilInterrupted && !interrupted) {
        output += '\n[exited before logging agent_started]';
      }
      resolve({ exitCode, signal, output });
    });
  });
}

describe.each(readmes)('examples/%s, run as it says', (readme) => {
  const commands = readmeCommands(readFileSync(join(examplesDir, readme), 'utf8'));

  it('has commands to run', () => {
    expect(commands.length).toBeGreaterThan(0);
  });

  for (const entry of commands) {
    it(
      `${entry.command}${entry.untilInterrupted ? ' (until Ctrl-C)' : ''}`,
      async () => {
        const started = performance.now();
        const result = await run(entry, 10 * 60_000);
        const tail = result.output.slice(-6_000);
        expect({ exitCode: result.exitCode, signal: result.signal }, tail).toEqual({
          exitCode: 0,
          signal: null,
        });
        if (entry.untilInterrupted) {
          expect(result.output, tail).toContain('"event":"agent_started"');
          // Nothing failed on the way, and the agent said it stopped.
          expect(result.output, tail).not.toMatch(/"level":"(ERROR|error|FATAL|fatal)"/);
          expect(result.output, tail).toMatch(/"event":"agent_stopp(ed|ing)"/);
        }
        console.log(`${entry.command}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      },
      12 * 60_000,
    );
  }
});
