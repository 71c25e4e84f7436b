import { parse } from 'yaml';

export interface ConfigKeyDoc {
  /** The "Meaning" cell, links reduced to their text. */
  readonly meaning: string;
  /** The "Default" cell as written (`30`, `see below`, `unset (kept forever)`), when the table has one. */
  readonly defaultText?: string;
  /** The default as a value, when the cell is one literal in backticks (`30`, `[]`, `256MiB`). */
  readonly defaultValue?: unknown;
}

export interface ConfigDocs {
  /** Each documented key by its section and name: `monitoring.interval_seconds`, `healing.strategies.action`. */
  readonly keys: ReadonlyMap<string, ConfigKeyDoc>;
  /** The first paragraph under a section's heading (`storage`, `monitoring.defaults`). */
  readonly sections: ReadonlyMap<string, string>;
}

/** `monitoring`, `monitoring.defaults`, `monitoring.containers[]`, `notifications.webhooks[]`. */
const sectionPattern = /^[a-z_]+(?:\.[a-z_]+)*(?:\[\])?$/;
const keyCellPattern = /^`([a-z_]+)`$/;
const literalCellPattern = /^`([^`]+)`$/;
const linkPattern = /\[([^\]]*)\]\([^)]*\)/g;

/**
 * Reads the key tables of `docs/configuration.md`: under a heading whose first code span names a
 * config section (`## \`storage\``), a table whose first column is `Key` (or `Step key`) documents
 * that section's keys. The config JSON Schema takes its descriptions and defaults from here, so
 * the page stays the one place where a key is explained.
 */
export function readConfigDocs(markdown: string): ConfigDocs {
  const keys = new Map<string, ConfigKeyDoc>();
  const sections = new Map<string, string>();
  let section: string | undefined;
  let paragraph: string[] | undefined;
  let table: { keyColumn: number; defaultColumn: number; meaningColumn: number } | undefined;
  let inFence = false;

  const endParagraph = () => {
    if (section !== undefined && paragraph !== undefined && paragraph.length > 0 && !sections.has(section)) {
      sections.set(section, plainText(paragraph.join(' ')));
    }
    paragraph = undefined;
  };

  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) {
      inFence = !inFence;
      endParagraph();
      continue;
    }
    if (inFence) continue;
    const heading = /^#{1,6} (.*)$/.exec(line);
    if (heading) {
      endParagraph();
      const name = /`([^`]+)`/.exec(heading[1] ?? '')?.[1];
      section = name !== undefined && sectionPattern.test(name) ? name : undefined;
      paragraph = section === undefined ? undefined : [];
      table = undefined;
      continue;
    }
    if (!line.startsWith('|')) {
      table = undefined;
      if (line.trim() !== '') paragraph?.push(line.trim());
      else if (paragraph !== undefined && paragraph.length > 0) endParagraph();
      continue;
    }
    endParagraph();
    if (section === undefined) continue;
    const cells = tableCells(line);
    if (table === undefined) {
      const first = cells[0];
      if (first !== 'Key' && first !== 'Step key') continue;
      table = {
        keyColumn: 0,
        defaultColumn: cells.indexOf('Default'),
        meaningColumn: cells.indexOf('Meaning'),
      };
      continue;
    }
    const key = keyCellPattern.exec(cells[table.keyColumn] ?? '')?.[1];
    const meaning = cells[table.meaningColumn];
    if (key === undefined || meaning === undefined) continue;
    const defaultText = table.defaultColumn === -1 ? undefined : cells[table.defaultColumn];
    keys.set(`${section}.${key}`, {
      meaning: plainText(meaning),
      ...(defaultText === undefined ? {} : { defaultText: plainText(defaultText) }),
      ...literalDefault(defaultText),
    });
  }
  endParagraph();
  return { keys, sections };
}

function tableCells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

/** `healing.stop_timeout_seconds` in a Default cell names where the default comes from: not a value. */
const keyReferencePattern = /^(?:monitoring|healing|claude|storage|api|agent|notifications)\.[a-z_.]+$/;

function literalDefault(cell: string | undefined): { defaultValue?: unknown } {
  const literal = literalCellPattern.exec(cell ?? '')?.[1];
  if (literal === undefined || keyReferencePattern.test(literal)) return {};
  try {
    return { defaultValue: parse(literal) as unknown };
  } catch {
    return {};
  }
}

/** Links become their text and bold marks go: descriptions are read in an editor's hover. */
function plainText(markdown: string): string {
  return markdown.replace(linkPattern, '$1').replaceAll('**', '').trim();
}
