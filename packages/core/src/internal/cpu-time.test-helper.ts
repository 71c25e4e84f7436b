/**
 * The CPU time (user + system, this process) a synchronous `run` took, in ms. The bounds of the
 * linear-time tests are on CPU time, not wall time: on a loaded machine (CI, several sessions on
 * 2 cores) a 50 ms scan waited seconds for a core and failed while being linear. A quadratic
 * pattern still fails them: it burns the CPU itself.
 */
export function cpuTimed<T>(run: () => T): { readonly result: T; readonly ms: number } {
  const before = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(before);
  return { result, ms: (used.user + used.system) / 1000 };
}
