/** A location inside the YAML document: keys and sequence indexes from the root. */
export type ConfigPath = readonly (string | number)[];

/** `monitoring.containers[0].max_restarts_per_hour`: the form users see in every issue. */
export function formatConfigPath(path: ConfigPath): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? part : `.${part}`;
  }
  return text;
}

/** 1-based line of each node, keyed by its formatted path. */
export type LineIndex = ReadonlyMap<string, number>;

/**
 * The line of the node at `path`, or of its nearest existing parent: a missing key is reported
 * where the user would add it.
 */
export function lineAt(lines: LineIndex, path: ConfigPath): number | undefined {
  for (let length = path.length; length >= 0; length--) {
    const line = lines.get(formatConfigPath(path.slice(0, length)));
    if (line !== undefined) return line;
  }
  return undefined;
}
