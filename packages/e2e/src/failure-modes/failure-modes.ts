// biome-ignore-all lint/suspicious/noTemplateCurlyInString: shell scripts for busybox sh, whose ${VAR} is the point.
import type { FailureCause } from '@website-monitor/core';
import type { ScriptContainerOptions } from './script-container.js';

/**
 * The script's prelude: the service runs (and looks healthy to the agent) until `kill -USR1 1`
 * (`triggerFailure`), then the failure runs, so the agent has seen the container healthy first
 * and the failure is a real `die` with the container's own last words in its log. A run that
 * the agent restarts waits for the next trigger again.
 */
export const waitForTrigger = `trap 'go=1' USR1
go=''
echo 'service ready'
while [ -z "$go" ]; do sleep 1 & wait $!; done
`;

/**
 * The prelude of a failure a restart cannot fix: once it has happened, every later start fails
 * the same way at once (the busy port, the missing variable, the read-only disk are still there),
 * as in real life. The mark lives in /tmp, in the container's own layer, which survives a restart.
 */
export const failAgainOnRestart = `trap 'go=1' USR1
go=''
[ -e /tmp/.failed-once ] && go=1
echo 'service ready'
while [ -z "$go" ]; do sleep 1 & wait $!; done
: > /tmp/.failed-once
`;

/**
 * The prelude of a start-up failure: two seconds of booting, then the failure, at every start.
 * The agent follows each run's first seconds of output, so it knows why the run died when it dies.
 */
export const bootThenFail = `echo 'starting'
sleep 2
`;

/** One way a real container fails, with what it prints and how it exits (checked by hand on busybox 1.36, Docker 20.10). */
export interface FailureMode {
  readonly title: string;
  readonly cause: FailureCause;
  /**
   * `at-start-up`: every run fails two seconds after its start (the agent is watching before the
   * first start). `on-trigger`: a run that had been healthy fails when the test says so.
   */
  readonly fails: 'at-start-up' | 'on-trigger';
  /** Container settings; `script` runs after `waitForTrigger`. */
  readonly container: Omit<ScriptContainerOptions, 'script'> & { readonly failure: string };
  readonly exitCode: number;
  readonly oomKilled?: boolean;
  /** The line the container itself prints (checked in its log before judging the agent). */
  readonly logLine: RegExp;
  /** Words the diagnosis must use for the cause. */
  readonly words: RegExp;
  /**
   * `false`: a restart repeats the failure, so the agent must not restart and must escalate at once.
   * `true`: a restart is the fix (the next run is healthy). `undefined`: either ending is fine.
   */
  readonly restartHelps: boolean | undefined;
  /**
   * Restarts the agent may make although a restart will not help (default 0). A run that dies
   * after its start-up output stopped being followed gets the fast first restart from its exit
   * code alone; the log tail then tells why, and the next death, at start-up, is not restarted.
   */
  readonly restartsAllowed?: number;
}

export const failureModes: readonly FailureMode[] = [
  {
    title: 'port in use: a second listener on 8080',
    cause: 'port_in_use',
    fails: 'at-start-up',
    container: {
      purpose: 'fm-port-in-use',
      // busybox httpd without -f goes to the background and keeps 8080; the second cannot bind.
      failure: 'httpd -p 8080\nexec httpd -f -p 8080',
    },
    exitCode: 1,
    logLine: /^httpd: bind: Address already in use$/m,
    words: /port|address already in use|in use/i,
    restartHelps: false,
  },
  {
    title: 'disk full: a 64 KiB tmpfs filled by dd',
    cause: 'disk_full',
    fails: 'at-start-up',
    container: {
      purpose: 'fm-disk-full',
      tmpfs: { '/data': 'size=64k' },
      failure: 'exec dd if=/dev/zero of=/data/app.db bs=4k',
    },
    exitCode: 1,
    logLine: /^dd: error writing '\/data\/app\.db': No space left on device$/m,
    words: /disk|no space|space left/i,
    // The cache is in a stopped container: clear_cache cannot run, and a restart is not the cure.
    restartHelps: undefined,
  },
  {
    title: 'permission denied: nobody writing to a root-owned directory',
    cause: 'permission_denied',
    fails: 'at-start-up',
    container: {
      purpose: 'fm-permission',
      user: '65534',
      failure: 'touch /app/state.db || exit 1',
    },
    exitCode: 1,
    logLine: /^touch: \/app\/state\.db: Permission denied$/m,
    words: /permission/i,
    restartHelps: false,
  },
  {
    title:
      'permission denied mid-run: a healthy service then fails on a root-owned file, and at every start after',
    cause: 'permission_denied',
    fails: 'on-trigger',
    container: {
      purpose: 'fm-permission-mid-run',
      user: '65534',
      failure: 'touch /app/state.db || exit 1',
    },
    exitCode: 1,
    logLine: /^touch: \/app\/state\.db: Permission denied$/m,
    words: /permission/i,
    restartHelps: false,
    restartsAllowed: 1,
  },
  {
    title: 'read-only file system: a write outside any tmpfs',
    cause: 'read_only_filesystem',
    fails: 'at-start-up',
    container: {
      purpose: 'fm-read-only',
      readonlyRootfs: true,
      failure: 'touch /app/state.db || exit 1',
    },
    exitCode: 1,
    logLine: /^touch: \/app\/state\.db: Read-only file system$/m,
    words: /read-only/i,
    restartHelps: false,
  },
  {
    title: 'missing binary: exec of a path that does not exist (127)',
    cause: 'missing_binary',
    fails: 'at-start-up',
    container: { purpose: 'fm-missing-binary', failure: 'exec /app/server' },
    exitCode: 127,
    logLine: /^sh: exec: line \d+: \/app\/server: not found$/m,
    words: /binary|executable|entrypoint|command|not found/i,
    restartHelps: false,
  },
  {
    title: 'not executable: exec of a file without the x bit (126)',
    cause: 'missing_binary',
    fails: 'at-start-up',
    container: {
      purpose: 'fm-not-executable',
      failure: "printf '#!/bin/sh\\n' > /app/server\nexec /app/server",
    },
    exitCode: 126,
    logLine: /^sh: exec: line \d+: \/app\/server: Permission denied$/m,
    words: /binary|executable|entrypoint|command/i,
    restartHelps: false,
  },
  {
    title: 'missing environment variable: ${DATABASE_URL:?}',
    cause: 'missing_config',
    fails: 'at-start-up',
    container: {
      purpose: 'fm-missing-env',
      failure: ': "${DATABASE_URL:?missing required environment variable}"',
    },
    exitCode: 2,
    logLine: /^sh: DATABASE_URL: missing required environment variable$/m,
    words: /config|environment|variable/i,
    restartHelps: false,
  },
  {
    title: 'dependency refused: nothing listens on 127.0.0.1:5432',
    cause: 'dependency_unreachable',
    fails: 'at-start-up',
    container: { purpose: 'fm-refused', failure: 'exec nc 127.0.0.1 5432' },
    exitCode: 1,
    logLine: /^nc: can't connect to remote host \(127\.0\.0\.1\): Connection refused$/m,
    words: /dependency|connect|refused|unreachable/i,
    restartHelps: false,
  },
  {
    title: 'DNS: no network, a name that does not resolve',
    cause: 'dns_failure',
    fails: 'at-start-up',
    container: { purpose: 'fm-dns', failure: 'exec wget -q -O /dev/null http://db.invalid:5432/' },
    exitCode: 1,
    logLine: /^wget: bad address 'db\.invalid:5432'$/m,
    words: /dns|name resolution|resolve|bad address|host ?name/i,
    restartHelps: false,
  },
  {
    title: 'segfault: a worker killed by SIGSEGV (139)',
    cause: 'segfault',
    fails: 'on-trigger',
    container: { purpose: 'fm-segfault', failure: "sh -c 'kill -SEGV $$'\nexit $?" },
    exitCode: 139,
    logLine: /^Segmentation fault$/m,
    words: /segmentation fault|segfault|SIGSEGV/i,
    restartHelps: true,
  },
  {
    title: 'too many open files: ulimit -n 3',
    cause: 'too_many_open_files',
    fails: 'on-trigger',
    container: { purpose: 'fm-nofile', failure: 'ulimit -n 3\nexec cat /app/testapp' },
    exitCode: 1,
    logLine: /^cat: can't open '\/app\/testapp': Too many open files$/m,
    words: /open files|file descriptors?/i,
    restartHelps: true,
  },
  {
    title: 'out of memory: the test app growing 16 MiB/s under a 48 MiB limit',
    cause: 'out_of_memory',
    fails: 'on-trigger',
    container: {
      purpose: 'fm-oom',
      memoryLimitBytes: 48 * 1024 * 1024,
      env: { GROW_MEMORY_MB_PER_SEC: '16' },
      failure: 'exec /app/testapp run',
    },
    exitCode: 137,
    oomKilled: true,
    logLine: /^testapp: allocated 16 MiB$/m,
    words: /memory|OOM/i,
    restartHelps: true,
  },
];

/** The container's script: the prelude, then the failure. */
export function failureScript(mode: FailureMode): string {
  const prelude =
    mode.fails === 'at-start-up'
      ? bootThenFail
      : mode.restartHelps === false
        ? failAgainOnRestart
        : waitForTrigger;
  return `${prelude}${mode.container.failure}\n`;
}
