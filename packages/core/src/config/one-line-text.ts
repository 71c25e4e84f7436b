/** The longest message or path a config issue shows: a quoted value is cut, not the person's terminal. */
const maxIssueText = 400;

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose.
const controlCharacter = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Text from a config file (a value quoted in a message, a key in a path) on one bounded line:
 * `file:line: path: message` must stay one line per issue, whatever a block string or a key
 * holds. Newlines and tabs read as `\n` and `\t`, other control characters as `\xNN`/`\uNNNN`.
 */
export function oneLineText(text: string): string {
  const bounded = text.length > maxIssueText * 2 ? text.slice(0, maxIssueText * 2) : text;
  const escaped = bounded.replace(controlCharacter, escapeCharacter);
  return escaped.length > maxIssueText || bounded.length < text.length
    ? `${escaped.slice(0, maxIssueText)}… (${text.length} characters)`
    : escaped;
}

function escapeCharacter(character: string): string {
  if (character === '\n') return '\\n';
  if (character === '\r') return '\\r';
  if (character === '\t') return '\\t';
  const code = character.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}
