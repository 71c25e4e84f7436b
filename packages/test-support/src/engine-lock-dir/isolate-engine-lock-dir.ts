import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A vitest setup file: each test file stands for a host of its own. `website-monitor run` keeps
 * its one-agent-per-engine locks in WEBSITE_MONITOR_LOCK_DIR, and every agent a file starts (in
 * process or as a child process, which inherits the environment) uses this file's directory.
 * So agents of different test files, of other test runs, or a developer's own agent on the same
 * Docker engine do not meet there, while agents one test file starts together do (the two-agent
 * tests rely on that).
 */
const directory = mkdtempSync(join(tmpdir(), 'wm-test-engine-locks-'));
process.env.WEBSITE_MONITOR_LOCK_DIR = directory;

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});
