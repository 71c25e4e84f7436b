import type { ChildProcess } from 'node:child_process';

/** What an agent process wrote to stdout (its JSON log, info and above by default) since `countLogLines`. */
export interface LogLineCount {
  readonly lines: number;
  /** Lines per `event`. */
  readonly byEvent: ReadonlyMap<string, number>;
  /** `healing_decision` lines whose decision is `wait`. */
  readonly waitDecisions: number;
}

/**
 * Counts the agent's log lines from now on, by event. Only the two fields are looked for in each
 * line (no JSON parse): a storm writes thousands of lines.
 */
export function countLogLines(child: ChildProcess): { stop(): LogLineCount } {
  let lines = 0;
  let waitDecisions = 0;
  const byEvent = new Map<string, number>();
  let partial = '';
  const onData = (chunk: string | Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      if (line === '') continue;
      lines++;
      const event = /"event":"([^"]+)"/.exec(line)?.[1] ?? '?';
      byEvent.set(event, (byEvent.get(event) ?? 0) + 1);
      if (event === 'healing_decision' && line.includes('"decision":"wait"')) waitDecisions++;
    }
  };
  child.stdout!.on('data', onData);
  return {
    stop() {
      child.stdout!.off('data', onData);
      return { lines, byEvent, waitDecisions };
    },
  };
}
