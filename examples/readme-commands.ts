/** One command line of a README's `sh` block, as a reader would type it. */
export interface ReadmeCommand {
  readonly command: string;
  /** The README says it runs until Ctrl-C (an agent): started, watched, then interrupted. */
  readonly untilInterrupted: boolean;
}

/**
 * The commands in a README's ```sh blocks, in order: one per line, without the trailing
 * `# comment` (which says whether it runs until Ctrl-C). Blank and comment-only lines are skipped.
 */
export function readmeCommands(markdown: string): readonly ReadmeCommand[] {
  const commands: ReadmeCommand[] = [];
  let inShellBlock = false;
  for (const line of markdown.split('\n')) {
    if (/^```/.test(line)) {
      inShellBlock = !inShellBlock && /^```(sh|bash|shell)\s*$/.test(line);
      continue;
    }
    if (!inShellBlock) continue;
    const commentAt = line.search(/(^|\s)#/);
    const command = (commentAt === -1 ? line : line.slice(0, commentAt)).trim();
    if (command === '') continue;
    const comment = commentAt === -1 ? '' : line.slice(commentAt);
    commands.push({ command, untilInterrupted: /until Ctrl-C/i.test(comment) });
  }
  return commands;
}
