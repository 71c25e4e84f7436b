import type { SeededRandom } from './seeded-random.js';

/** One config text to try, with what was done to it. */
export interface ConfigInput {
  readonly name: string;
  readonly text: string;
  /** The file's bytes when they are not UTF-8 text (random bytes, UTF-16). */
  readonly bytes?: Buffer;
  /**
   * Could hang or exhaust memory where the reader is unbounded: tried only in a process of its
   * own, which a timeout can kill, never in the test runner.
   */
  readonly isolate?: boolean;
}

/** A `key: value` line of a block-style YAML file, and how far its block reaches. */
interface KeyLine {
  readonly index: number;
  readonly indent: string;
  /** `- ` when the key opens a sequence item. */
  readonly dash: string;
  readonly key: string;
  /** Lines after `index` that belong to the key's value (deeper indentation). */
  readonly blockEnd: number;
}

const keyLinePattern = /^(\s*)(- )?([A-Za-z_][\w-]*):(?:\s|$)/;

/** Every `key:` line of `text`, with the extent of its value. */
export function keyLines(text: string): KeyLine[] {
  const lines = text.split('\n');
  const found: KeyLine[] = [];
  lines.forEach((line, index) => {
    const match = keyLinePattern.exec(line);
    if (!match) return;
    const indent = match[1] ?? '';
    const dash = match[2] ?? '';
    const column = indent.length + dash.length;
    let end = index + 1;
    while (end < lines.length) {
      const next = lines[end] ?? '';
      if (next.trim() === '' || next.trim().startsWith('#')) {
        end++;
        continue;
      }
      const nextColumn = next.length - next.trimStart().length;
      if (
        nextColumn <= column &&
        !(nextColumn === column && next.trimStart().startsWith('- ') && dash === '')
      )
        break;
      end++;
    }
    found.push({ index, indent, dash, key: match[3] ?? '', blockEnd: end });
  });
  return found;
}

/** Values of every wrong type a person (or a tool) could put at a key. */
export const wrongValues = [
  '"text"',
  '-1',
  '0',
  'true',
  'null',
  '[]',
  '{}',
  '[1, "two", {three: 3}]',
  '{a: 1}',
  '1e309',
  '.nan',
  '-.inf',
  '0x1F',
  '2026-01-01',
  // A variable the environment does not have, and an empty one: the YAML text, not JS templates.
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config's interpolation syntax
  '"${UNSET_VARIABLE}"',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${VAR} is the config's interpolation syntax
  '"${}"',
  '"日本語\u202e"',
  '!!binary aGVsbG8=',
  '*undefined_alias',
  '999999999999999999999',
  '"  "',
  '!!python/object/apply:os.system ["id"]',
  '!!js/function "function(){}"',
  '|\n  multi\n  line',
] as const;

/**
 * The wrong types tried at every key: string, negative number, boolean, null, list, map, and a
 * multi-line block string (whose echo in a message must not break the one-line-per-issue form).
 */
export const everyKeyValues = ['"text"', '-1', 'true', 'null', '[]', '{a: 1}', '|\n  multi\n  line'] as const;

/** `key: value` with the whole value block replaced. */
export function replaceValue(text: string, at: KeyLine, value: string): string {
  const lines = text.split('\n');
  const indentValue = value.includes('\n')
    ? value
        .split('\n')
        .map((part, index) => (index === 0 ? part : `${at.indent}${' '.repeat(at.dash.length)}${part}`))
        .join('\n')
    : value;
  lines.splice(at.index, at.blockEnd - at.index, `${at.indent}${at.dash}${at.key}: ${indentValue}`);
  return lines.join('\n');
}

/** Every key of `text` set to each of `values`, one change per input. */
export function wrongTypeAtEveryKey(base: ConfigInput, values: readonly string[]): ConfigInput[] {
  return keyLines(base.text).flatMap((at) =>
    values.map((value) => ({
      name: `${base.name}:${at.index + 1} ${at.key} = ${value.split('\n')[0]}`,
      text: replaceValue(base.text, at, value),
    })),
  );
}

const junk = [
  '\t',
  '\u0000',
  '\ufeff',
  '&',
  '*',
  '!!',
  '{',
  '}',
  '[',
  ']',
  ':',
  "'",
  '"',
  '%',
  '@',
  '`',
  '|',
  '>',
  '#',
  '- ',
  '? ',
  '\r',
  '\u2028',
  'é',
  '\\',
];

/** One to three random edits of a valid config: the kinds of damage a hand edit or a tool does. */
export function mutateConfig(random: SeededRandom, base: ConfigInput, serial: number): ConfigInput {
  let text = base.text;
  const done: string[] = [];
  for (let step = random.int(1, 3); step > 0; step--) {
    const keys = keyLines(text);
    const lines = text.split('\n');
    const at = keys.length > 0 ? random.pick(keys) : undefined;
    switch (random.int(0, 10)) {
      case 0:
      case 1:
        if (!at) break;
        {
          const value = random.pick(wrongValues);
          text = replaceValue(text, at, value);
          done.push(`${at.key}=${value.split('\n')[0]}`);
        }
        break;
      case 2: {
        const index = random.int(0, lines.length - 1);
        lines.splice(index, 1);
        text = lines.join('\n');
        done.push(`delete line ${index + 1}`);
        break;
      }
      case 3: {
        if (!at) break;
        lines.splice(at.index + 1, 0, lines[at.index] ?? '');
        text = lines.join('\n');
        done.push(`duplicate ${at.key}`);
        break;
      }
      case 4: {
        if (!at) break;
        const typo =
          at.key.length > 3
            ? at.key.slice(0, 1) + at.key.slice(2, 3) + at.key.slice(1, 2) + at.key.slice(3)
            : `${at.key}_x`;
        lines[at.index] = (lines[at.index] ?? '').replace(`${at.key}:`, `${typo}:`);
        text = lines.join('\n');
        done.push(`rename ${at.key} to ${typo}`);
        break;
      }
      case 5: {
        if (!at) break;
        lines.splice(
          at.index,
          0,
          `${at.indent}${at.dash}unknown_${random.int(0, 99)}: ${random.pick(wrongValues).split('\n')[0]}`,
        );
        text = lines.join('\n');
        done.push('insert unknown key');
        break;
      }
      case 6: {
        const index = random.int(0, lines.length - 1);
        const line = lines[index] ?? '';
        lines[index] = random.chance(0.5)
          ? `${' '.repeat(random.int(1, 3))}${line}`
          : line.replace(/^ {1,3}/, '');
        text = lines.join('\n');
        done.push(`re-indent line ${index + 1}`);
        break;
      }
      case 7: {
        const cut = random.int(0, text.length);
        text = text.slice(0, cut);
        done.push(`truncate at ${cut}`);
        break;
      }
      case 8: {
        const offset = random.int(0, text.length);
        const piece = random.pick(junk).repeat(random.int(1, 3));
        text = text.slice(0, offset) + piece + text.slice(offset);
        done.push(`insert ${JSON.stringify(piece)} at ${offset}`);
        break;
      }
      case 9: {
        const a = random.int(0, lines.length - 1);
        const b = random.int(0, lines.length - 1);
        [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
        text = lines.join('\n');
        done.push(`swap lines ${a + 1} and ${b + 1}`);
        break;
      }
      default: {
        if (!at) break;
        text = replaceValue(text, at, `"${random.text(random.int(10_000, 100_000), 'ab=+/"\'\\ ')}"`);
        done.push(`${at.key}=long string`);
        break;
      }
    }
  }
  return { name: `${base.name} mutation #${serial}: ${done.join(', ') || 'none'}`, text };
}

/**
 * Files that attack the reader itself (issue 10, item 9): exponential and self-referencing
 * aliases, anchors by the thousand, deep nesting, huge and binary files. Each must be a config
 * error (with its line) within seconds and a bounded amount of memory.
 */
export function readerAttacks(random: SeededRandom): ConfigInput[] {
  const laughs = ['lol: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let level = 1; level <= 9; level++) {
    laughs.push(`l${level}: &a${level} [${Array.from({ length: 9 }, () => `*a${level - 1}`).join(',')}]`);
  }
  const mergeLevels = ['m0: &m0 {a: 1, b: 2}'];
  for (let level = 1; level <= 20; level++) {
    mergeLevels.push(
      `m${level}: &m${level} {<<: [*m${level - 1}], x${level}: [*m${level - 1}, *m${level - 1}]}`,
    );
  }
  return [
    {
      name: 'billion laughs (9^9 values from 10 lines)',
      isolate: true,
      text: `${laughs.join('\n')}\nmonitoring:\n  containers: *a9\n`,
    },
    {
      name: 'billion laughs inside a valid key',
      isolate: true,
      text: `monitoring:\n  interval_seconds: 30\nx-shared:\n${laughs.map((line) => `  ${line}`).join('\n')}\n`,
    },
    { name: 'self-referencing alias a: &a [1, *a]', text: 'a: &a [1, *a]\n', isolate: true },
    { name: 'self-referencing map', text: 'monitoring: &m\n  defaults: *m\n', isolate: true },
    { name: 'merge-key doubling 20 levels', text: `${mergeLevels.join('\n')}\n`, isolate: true },
    {
      name: '20,000 anchors',
      isolate: true,
      text: `x-anchors:\n${Array.from({ length: 20_000 }, (_, i) => `  - &n${i} ${i}`).join('\n')}\n`,
    },
    {
      name: '10,000 nested flow sequences',
      text: `a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
      isolate: true,
    },
    {
      name: '3,000 nested block maps',
      isolate: true,
      text: Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
    },
    {
      name: '5 MB single scalar',
      text: `monitoring:\n  containers:\n    - name: "${'x'.repeat(5 * 1024 * 1024)}"\n`,
    },
    {
      name: '20 MB of comments',
      isolate: true,
      text: `${'# padding padding padding padding padding padding\n'.repeat(400_000)}monitoring: {}\n`,
    },
    { name: '64 KB of random bytes', text: '', bytes: random.bytes(64 * 1024) },
    { name: 'NUL bytes', text: '\u0000'.repeat(4096) },
    {
      name: 'UTF-16 with a BOM',
      text: '',
      bytes: Buffer.from('\ufeffmonitoring:\n  interval_seconds: 30\n', 'utf16le'),
    },
    {
      name: 'invalid UTF-8',
      text: '',
      bytes: Buffer.from('monitoring:\n  interval_seconds: \xff\xfe\xc0\x80\n', 'latin1'),
    },
    {
      name: 'a tag bomb (!!python, !!js)',
      text: 'monitoring: !!python/object/apply:os.system ["id"]\nhealing: !!js/function "f"\n',
    },
    {
      name: '100,000 containers',
      isolate: true,
      text: `monitoring:\n  containers:\n${Array.from({ length: 100_000 }, (_, i) => `    - name: c${i}`).join('\n')}\n`,
    },
  ];
}
