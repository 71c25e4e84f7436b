#!/usr/bin/env node
// The `website-monitor` command. A plain JS file that always exists, so `pnpm install` links the
// command on a fresh clone (pnpm skips a bin whose file is missing, as dist/ is before a build).
// In a checkout it runs the TypeScript source (Node >= 22.18 strips types), so it is never stale;
// an installed package has no src/ and runs the build.
import { existsSync } from 'node:fs';

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
