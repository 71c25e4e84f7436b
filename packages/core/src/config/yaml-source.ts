import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parse, parseDocument, Scalar } from 'yaml';
import type { ConfigIssue } from '../errors/monitor-error.js';
import { type ConfigPath, formatConfigPath, type LineIndex } from './config-path.js';
import { type EnvironmentVariables, interpolateEnv } from './env-interpolation.js';

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
 */
export function readYamlSource({ text, env }: { text: string; env: EnvironmentVariables }): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;

  if (document.errors.length > 0) {
    return {
      value: undefined,
      lines: new Map(),
      rawStrings: new Map(),
      issues: document.errors.map((error) => ({
        path: '',
        line: lineOf(error.pos[0]),
        message: `YAML syntax error: ${firstLine(error.message)}`,
      })),
    };
  }

  const lines = new Map<string, number>();
  const issues: ConfigIssue[] = [];
  const rawStrings = new Map<string, string>();

  const record = (path: ConfigPath, node: Node | null | undefined, fallbackLine: number | undefined) => {
    const line = lineOf(node?.range?.[0]) ?? fallbackLine;
    if (line !== undefined) lines.set(formatConfigPath(path), line);
    return line;
  };

  const walk = (node: unknown, path: ConfigPath, ownLine: number | undefined): unknown => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return walk(node.resolve(document), path, ownLine);
    if (isMap(node)) {
      const result: Record<string, unknown> = {};
      for (const pair of node.items) {
        const keyNode = pair.key;
        const key = isScalar(keyNode) ? keyNode.value : keyNode;
        const keyLine = lineOf(isScalar(keyNode) ? keyNode.range?.[0] : undefined) ?? ownLine;
        if (key !== null && typeof key === 'object') {
          issues.push({ path: formatConfigPath(path), line: keyLine, message: 'keys must be plain names' });
          continue;
        }
        const childPath = [...path, String(key)];
        if (keyLine !== undefined) lines.set(formatConfigPath(childPath), keyLine);
        result[String(key)] = walk(pair.value, childPath, keyLine);
      }
      return result;
    }
    if (isSeq(node)) {
      return node.items.map((item, index) => {
        const itemPath = [...path, index];
        const itemLine = record(itemPath, item as Node | null, ownLine);
        return walk(item, itemPath, itemLine);
      });
    }
    if (isScalar(node)) return scalarValue(node, path, ownLine);
    return null;
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
  const value = walk(root, [], 1);
  return { value: value === null ? undefined : value, lines, issues, rawStrings };
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
