import { CST, Lexer } from 'yaml';
import type { ConfigIssue } from '../errors/monitor-error.js';
import { configLimits } from './config-limits.js';

/** Tokens that carry no structure: they cost the composer next to nothing. */
const freeTokens = new Set<string | null>(['space', 'newline', 'comment', 'doc-mode', 'flow-error-end']);

/**
 * The first limit the text breaks, found with YAML's lexer, which is linear, before the composer
 * sees it: the composer's cost grows with the square of the anchors (20,000: 3.6 s) and it spends
 * seconds on 500,000 nested brackets or half a million values before failing or succeeding.
 *
 * Offsets follow the parser's own rule (`Parser.next`): the scalar, document and flow-error
 * marks the lexer emits take no room in the text.
 */
export function prescanYaml(text: string): ConfigIssue | undefined {
  let anchors = 0;
  let tokens = 0;
  let flowDepth = 0;
  let offset = 0;
  let scalarFollows = false;
  const issueAt = (message: string): ConfigIssue => ({ path: '', line: lineAtOffset(text, offset), message });
  for (const token of new Lexer().lex(text)) {
    if (scalarFollows) {
      scalarFollows = false;
      offset += token.length;
      continue;
    }
    const type = CST.tokenType(token);
    if (type === 'scalar') scalarFollows = true;
    if (!freeTokens.has(type) && ++tokens > configLimits.maxTokens) {
      return issueAt(
        `more than ${configLimits.maxTokens} keys, values and punctuation marks: a config is far smaller`,
      );
    }
    if (type === 'anchor' && ++anchors > configLimits.maxAnchors) {
      return issueAt(`more than ${configLimits.maxAnchors} anchors (&name): a config needs only a few`);
    }
    if (type === 'flow-seq-start' || type === 'flow-map-start') {
      if (++flowDepth > configLimits.maxDepth)
        return issueAt(`nested more than ${configLimits.maxDepth} levels deep`);
    } else if (type === 'flow-seq-end' || type === 'flow-map-end') {
      flowDepth = Math.max(0, flowDepth - 1);
    }
    if (type === 'scalar' || type === 'doc-mode' || type === 'flow-error-end') continue;
    offset += token.length;
  }
  return undefined;
}

function lineAtOffset(text: string, offset: number): number {
  let line = 1;
  for (
    let index = text.indexOf('\n');
    index !== -1 && index < offset;
    index = text.indexOf('\n', index + 1)
  ) {
    line++;
  }
  return line;
}
