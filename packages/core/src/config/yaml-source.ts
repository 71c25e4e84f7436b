import {
  type Alias,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parse,
  parseDocument,
  Scalar,
  visit,
} from 'yaml';
import type { ConfigIssue } from '../errors/monitor-error.js';
import { configLimits, formatBytes } from './config-limits.js';
import { type ConfigPath, formatConfigPath, type LineIndex } from './config-path.js';
import { type EnvironmentVariables, interpolateEnv } from './env-interpolation.js';
import { prescanYaml } from './yaml-prescan.js';

export interface YamlSource {
  /** Plain JS data after interpolation; undefined for an empty file. */
  readonly value: unknown;
  readonly lines: LineIndex;
  readonly issues: readonly ConfigIssue[];
  /**
   * Each string scalar as written, before `${VAR}` interpolation, keyed by its formatted path:
   * some checks are about the file's text (a password written literally), not the final value.
   */
  readonly rawStrings: ReadonlyMap<string, string>;
}

/**
 * YAML text to plain data plus the line of every node. We walk the document ourselves rather than
 * calling `toJS()` because that loses positions, and positions are what make an issue fixable.
 * Environment variables are substituted in scalar values only: a key is structure, never data.
 *
 * The text is hostile until proven otherwise: its size, anchor count, nesting and the values its
 * aliases expand to are all bounded (`configLimits`), and an alias inside its own anchor is an
 * issue at the alias's line rather than an endless recursion.
 */
export function readYamlSource({ text, env }: { text: string; env: EnvironmentVariables }): YamlSource {
  const tooLarge = sizeIssue(text);
  if (tooLarge) return failedSource([tooLarge]);
  const overLimit = prescanYaml(text);
  if (overLimit) return failedSource([overLimit]);

  const lineCounter = new LineCounter();
  // Duplicate keys are found by the walk below: the library's own check is quadratic in the keys
  // of a map (8,000 keys: 0.5 s; 100,000: minutes).
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;

  if (document.errors.length > 0) {
    return failedSource(
      document.errors.map((error) => ({
        path: '',
        line: lineOf(error.pos[0]),
        message: `YAML syntax error: ${firstLine(error.message)}`,
      })),
    );
  }

  const lines = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  const rawStrings = new Map<string, string>();
  const aliasTargets = resolveAliases(document);
  /** Collections being walked right now: an alias to one of them would never end. */
  const open = new Set<Node>();
  const reportedAliases = new Set<Alias>();
  let aliasDepth = 0;
  let expanded = 0;
  /** The alias written in the file (not one met inside an expansion) being expanded now. */
  let outerAlias: { path: ConfigPath; line: number | undefined } = { path: [], line: undefined };

  const record = (path: ConfigPath, node: Node | null | undefined, fallbackLine: number | undefined) => {
    const line = lineOf(node?.range?.[0]) ?? fallbackLine;
    if (line !== undefined) lines.set(formatConfigPath(path), line);
    return line;
  };

  const walk = (node: unknown, path: ConfigPath, ownLine: number | undefined, depth: number): unknown => {
    if (node === null || node === undefined) return null;
    if (aliasDepth > 0 && ++expanded > configLimits.maxAliasExpansion) {
      throw new SourceAbort({
        path: formatConfigPath(outerAlias.path),
        line: outerAlias.line,
        message: `aliases expand to more than ${configLimits.maxAliasExpansion} values (an alias bomb?): use fewer or smaller anchors`,
      });
    }
    if (isAlias(node)) return followAlias(node, path, ownLine, depth);
    if (depth > configLimits.maxDepth) {
      throw new SourceAbort({
        path: formatConfigPath(path),
        line: ownLine,
        message: `nested more than ${configLimits.maxDepth} levels deep`,
      });
    }
    if (isMap(node)) {
      open.add(node);
      const result: Record<string, unknown> = {};
      const keyLines = new Map<string, number | undefined>();
      for (const pair of node.items) {
        const keyNode = pair.key;
        const key = isScalar(keyNode) ? keyNode.value : keyNode;
        const keyLine = lineOf(isScalar(keyNode) ? keyNode.range?.[0] : undefined) ?? ownLine;
        if (key !== null && typeof key === 'object') {
          issues.push({ path: formatConfigPath(path), line: keyLine, message: 'keys must be plain names' });
          continue;
        }
        if (keyLines.has(String(key))) {
          const first = keyLines.get(String(key));
          issues.push({
            path: formatConfigPath([...path, String(key)]),
            line: keyLine,
            message: `duplicate key "${String(key)}"${first === undefined ? '' : ` (first on line ${first})`}`,
          });
          continue;
        }
        keyLines.set(String(key), keyLine);
        const childPath = [...path, String(key)];
        if (keyLine !== undefined) lines.set(formatConfigPath(childPath), keyLine);
        result[String(key)] = walk(pair.value, childPath, keyLine, depth + 1);
      }
      open.delete(node);
      return result;
    }
    if (isSeq(node)) {
      open.add(node);
      const result = node.items.map((item, index) => {
        const itemPath = [...path, index];
        const itemLine = record(itemPath, item as Node | null, ownLine);
        return walk(item, itemPath, itemLine, depth + 1);
      });
      open.delete(node);
      return result;
    }
    if (isScalar(node)) return scalarValue(node, path, ownLine);
    return null;
  };

  const followAlias = (
    alias: Alias,
    path: ConfigPath,
    ownLine: number | undefined,
    depth: number,
  ): unknown => {
    const line = lineOf(alias.range?.[0]) ?? ownLine;
    const target = aliasTargets.get(alias);
    const problem =
      target === undefined
        ? `alias *${alias.source} has no anchor &${alias.source} before it`
        : open.has(target)
          ? `alias *${alias.source} is inside the value it names (&${alias.source}${fromLine(lineOf(target.range?.[0]))}): a config value cannot contain itself`
          : undefined;
    if (problem !== undefined) {
      // The same alias is met again each time an anchor around it is itself aliased: say it once.
      if (!reportedAliases.has(alias)) issues.push({ path: formatConfigPath(path), line, message: problem });
      reportedAliases.add(alias);
      return null;
    }
    if (aliasDepth === 0) outerAlias = { path, line };
    aliasDepth++;
    try {
      return walk(target, path, ownLine, depth);
    } finally {
      aliasDepth--;
    }
  };

  const scalarValue = (node: Scalar, path: ConfigPath, line: number | undefined): unknown => {
    if (typeof node.value !== 'string') return node.value;
    rawStrings.set(formatConfigPath(path), node.value);
    const result = interpolateEnv(node.value, env);
    if (!result.ok) {
      issues.push({ path: formatConfigPath(path), line, message: result.message });
      return null;
    }
    // `interval_seconds: ${INTERVAL:-30}` should be the number 30, as if written unquoted;
    // a quoted value stays a string, as YAML itself would have it.
    if (result.replaced && node.type === Scalar.PLAIN) return retypePlainScalar(result.value);
    return result.value;
  };

  const root = document.contents;
  if (root) lines.set('', lineOf(root.range?.[0]) ?? 1);
  let value: unknown;
  try {
    value = walk(root, [], 1, 0);
  } catch (error) {
    if (error instanceof SourceAbort) return failedSource([...issues, error.issue]);
    throw error;
  }
  return { value: value === null ? undefined : value, lines, issues, rawStrings };
}

/** Thrown out of the walk when going on would cost without bound; carries the one issue to show. */
class SourceAbort extends Error {
  readonly issue: ConfigIssue;
  constructor(issue: ConfigIssue) {
    super(issue.message);
    this.issue = issue;
  }
}

function failedSource(issues: readonly ConfigIssue[]): YamlSource {
  return { value: undefined, lines: new Map(), rawStrings: new Map(), issues };
}

function sizeIssue(text: string): ConfigIssue | undefined {
  // Every character is at least one byte, so a long text is refused without measuring it.
  const overByLength = text.length > configLimits.maxFileBytes;
  const bytes = overByLength ? text.length : Buffer.byteLength(text, 'utf8');
  if (bytes <= configLimits.maxFileBytes) return undefined;
  return {
    path: '',
    line: undefined,
    message: `the config is ${overByLength ? 'at least ' : ''}${formatBytes(bytes)}, over the ${formatBytes(configLimits.maxFileBytes)} limit for a config file`,
  };
}

/**
 * Each alias to the node it names: the last node with that anchor before the alias, in document
 * order (the rule of `Alias.resolve`). One pass for the whole file, where calling `resolve` per
 * alias walks the whole document each time.
 */
function resolveAliases(document: ReturnType<typeof parseDocument>): Map<Alias, Node> {
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  visit(document, {
    Node: (_key, node) => {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target !== undefined) targets.set(node, target);
        return;
      }
      if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return targets;
}

function fromLine(line: number | undefined): string {
  return line === undefined ? '' : `, from line ${line}`;
}

function retypePlainScalar(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    const typed: unknown = parse(text, { schema: 'core' });
    if (typeof typed === 'number' || typeof typed === 'boolean') return typed;
  } catch {
    // Not a scalar on its own (e.g. "a: b" or "[1"): it is just text.
  }
  return text;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
