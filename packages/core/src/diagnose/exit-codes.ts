/**
 * What an exit code says when no log line explains it: the shell's conventions (126, 127),
 * `128 + signal` for a process a signal ended, and the few sysexits(3) codes services use.
 */
const meanings: Readonly<Record<number, string>> = {
  0: 'clean exit',
  1: 'general error',
  2: 'usage error or runtime panic',
  64: 'usage error, EX_USAGE',
  69: 'service unavailable, EX_UNAVAILABLE',
  70: 'internal software error, EX_SOFTWARE',
  71: 'operating system error, EX_OSERR',
  75: 'temporary failure, EX_TEMPFAIL',
  77: 'permission denied, EX_NOPERM',
  78: 'configuration error, EX_CONFIG',
  126: 'command not executable',
  127: 'command not found',
  255: 'exit status out of range',
};

const signals: Readonly<Record<number, string>> = {
  1: 'hung up, SIGHUP',
  2: 'interrupted, SIGINT',
  3: 'quit, SIGQUIT',
  4: 'illegal instruction, SIGILL',
  5: 'trace trap, SIGTRAP',
  6: 'aborted, SIGABRT',
  7: 'bus error, SIGBUS',
  8: 'arithmetic error, SIGFPE',
  9: 'killed, SIGKILL',
  11: 'segmentation fault, SIGSEGV',
  13: 'broken pipe, SIGPIPE',
  15: 'terminated, SIGTERM',
};

/** What a person may want to know beyond the words, for a reasoning. */
const explanations: Readonly<Record<number, string>> = {
  1: 'Exit code 1 is the generic failure of most runtimes (an uncaught exception, a fatal log call).',
  2: 'Exit code 2 is a usage error for shells and many CLIs, and what a Go program exits with when it panics.',
  126: 'Exit code 126 is the shell\'s "found but not executable": the file lacks the execute bit or is not a program.',
  127: 'Exit code 127 is the shell\'s "command not found": the image or its command line names something absent.',
  134: 'Exit code 134 is SIGABRT: the process aborted itself, after a failed assertion or a fatal runtime error (a C++ terminate, a Node fatal error).',
  137: "Exit code 137 is SIGKILL without Docker's OOMKilled flag: docker kill, a stop that timed out, or the kernel.",
  139: 'Exit code 139 is SIGSEGV: the process read or wrote memory it does not own, usually native code.',
  143: 'Exit code 143 is SIGTERM: something asked the process to stop, and nobody here did.',
};

/** The signal number behind an exit code above 128, or undefined. */
export function exitSignal(exitCode: number | null | undefined): number | undefined {
  return exitCode !== null && exitCode !== undefined && exitCode > 128 && exitCode < 160
    ? exitCode - 128
    : undefined;
}

/** "general error", "killed, SIGKILL", "signal 10"; undefined for a code without a known meaning. */
export function exitCodeMeaning(exitCode: number | null | undefined): string | undefined {
  if (exitCode === null || exitCode === undefined) return undefined;
  const meaning = meanings[exitCode];
  if (meaning !== undefined) return meaning;
  const signal = exitSignal(exitCode);
  if (signal === undefined) return undefined;
  return signals[signal] ?? `signal ${signal}`;
}

/** "exit code 137 (killed, SIGKILL)", or "exit code 42" for a code without a known meaning. */
export function describeExitCode(exitCode: number): string {
  const meaning = exitCodeMeaning(exitCode);
  return meaning === undefined ? `exit code ${exitCode}` : `exit code ${exitCode} (${meaning})`;
}

/** One sentence on what the code usually means, or undefined. */
export function explainExitCode(exitCode: number | null | undefined): string | undefined {
  return exitCode === null || exitCode === undefined ? undefined : explanations[exitCode];
}
