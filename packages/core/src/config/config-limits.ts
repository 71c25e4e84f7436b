/**
 * Bounds on a config file, checked before and while it is read. A config is written by a person
 * and is a few KB; anything far past these is a mistake or an attack (a "billion laughs" alias
 * bomb of 374 bytes used to take 40 s and 3.5 GB), and must become a config error at once.
 */
export const configLimits = {
  /** Bytes of YAML text. Checked before the file is read whole, so `/dev/zero` cannot hang us. */
  maxFileBytes: 1024 * 1024,
  /**
   * Keys, values and punctuation (`-`, `:`, `,`, brackets) in one file, counted by the linear
   * lexer before composing. A config for 1,000 containers has under 10,000; at this cap the
   * slowest shapes (a flat map of 33,000 keys, a list of 50,000 items) read in about a second.
   */
  maxTokens: 100_000,
  /**
   * Anchors (`&name`) in one file. The YAML composer's cost grows with the square of this
   * (20,000 anchors: 3.6 s), so it is counted by the lexer before composing.
   */
  maxAnchors: 1_000,
  /**
   * Values produced by following aliases (`*name`), summed over the whole file. Sharing a block
   * of settings between many containers stays far below it; an exponential alias bomb hits it
   * within milliseconds.
   */
  maxAliasExpansion: 10_000,
  /**
   * Nesting of maps and sequences. A config is about 6 deep; the composer and our reader recurse
   * per level (flow brackets are counted before composing, block nesting while reading).
   */
  maxDepth: 64,
} as const;

/** `1 MiB`, `512 KiB`, `300 bytes`: how a size reads in an error message. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${round(bytes / (1024 * 1024))} MiB`;
  if (bytes >= 1024) return `${round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

function round(value: number): string {
  return String(Math.round(value * 10) / 10);
}
