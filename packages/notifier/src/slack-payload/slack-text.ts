/**
 * Slack reads `&`, `<` and `>` as control characters in text (`<!channel>`, `<https://x|a link>`,
 * `<@U123>`), so text that comes from data (a container name, a reason, a diagnosis, a model's
 * reasoning, log excerpts) must carry them as HTML entities and nothing else: only these three
 * are escaped (https://api.slack.com/reference/surfaces/formatting#escaping). Our own formatting
 * (`*bold*`, backticks) is written around the escaped values, never through this.
 */
export function escapeSlackText(text: string): string {
  return text.replace(/[&<>]/g, (character) => entities[character as '&' | '<' | '>']);
}

const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;' } as const;

/**
 * `text` within `limit` characters, ending with `…` when cut; a cut never splits an entity of
 * `escapeSlackText` (a half `&am` would show as text).
 */
export function truncateSlackText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let cut = limit - 1;
  const ampersand = text.lastIndexOf('&', cut - 1);
  if (ampersand >= 0 && cut - ampersand < 5 && !text.slice(ampersand, cut).includes(';')) cut = ampersand;
  return `${text.slice(0, cut)}…`;
}
