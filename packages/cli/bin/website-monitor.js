#!/usr/bin/env node
// The `website-monitor` command. A plain JS file that always exists, so `pnpm install` links the
// command on a fresh clone (pnpm skips a bin whose file is missing, as dist/ is before a build).
// In a checkout it runs the TypeScript source (Node >= 22.18 strips types), so it is never stale;
// an installed package has no src/ and runs the build.
import { existsSync } from 'node:fs';

// `run` is a daemon whose live heap is ~25 MB, but V8 sizes the young generation for throughput
// (semi-spaces up to 16 MB each on 64-bit, times three for the young generation), which
// alone took the agent watching 100 containers from ~95 to ~150 MB RSS. The flag is read only
// when the heap is created: `v8.setFlagsFromString` at this point changes nothing (measured on
// Node 24), so the process replaces itself, same pid, with the flag on its command line. Skipped
// when the user chose a semi-space size themselves, or where `process.execve` does not exist
// (Windows, Node < 22.15): the agent then runs with V8's defaults.
const semiSpaceFlag = '--max-semi-space-size';
const daemonSemiSpaceMb = 2;
const command = process.argv.slice(2).find((argument) => !argument.startsWith('-'));
const userChoseSemiSpace = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some(
  (flag) => flag.startsWith(semiSpaceFlag) || flag.startsWith('--max_semi_space_size'),
);
if (command === 'run' && !userChoseSemiSpace && typeof process.execve === 'function') {
  process.execve(
    process.execPath,
    [
      process.execPath,
      `${semiSpaceFlag}=${daemonSemiSpaceMb}`,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    process.env,
  );
}

const source = new URL('../src/bin.ts', import.meta.url);
const built = new URL('../dist/bin.js', import.meta.url);
if (existsSync(source)) {
  await import(source.href);
} else if (existsSync(built)) {
  await import(built.href);
} else {
  process.stderr.write('website-monitor: neither src/bin.ts nor dist/bin.js exists; run `pnpm build`\n');
  process.exitCode = 1;
}
