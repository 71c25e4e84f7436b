import { describe, expect, it } from 'vitest';
import { readmeCommands } from './readme-commands.ts';

describe('readmeCommands', () => {
  it('reads the sh blocks line by line, drops comments, and marks what runs until Ctrl-C', () => {
    const markdown = [
      'Text with `inline code` and a command in prose: pnpm nope',
      '```sh',
      'pnpm build',
      '# a comment line',
      '',
      'node main.ts   # runs until Ctrl-C',
      '```',
      '```yaml',
      'key: value',
      '```',
      '```bash',
      'echo "#not a comment" # a comment',
      '```',
    ].join('\n');
    expect(readmeCommands(markdown)).toEqual([
      { command: 'pnpm build', untilInterrupted: false },
      { command: 'node main.ts', untilInterrupted: true },
      { command: 'echo "#not a comment"', untilInterrupted: false },
    ]);
  });
});
