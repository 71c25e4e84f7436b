import { charClass, inClass, isWhitespace } from './char-class.js';

/** A stretch of text to mask, `[start, end)`, and what it was. */
export interface SecretSpan {
  readonly start: number;
  readonly end: number;
  readonly kind: string;
}

/**
 * Secrets found from a literal anchor with `indexOf` (linear in V8): PEM private key blocks,
 * passwords in URLs, Slack webhook paths, and values known to be secret. Every search resumes
 * past what it scanned, so no character is scanned more than a bounded number of times.
 */
export function anchoredSecretSpans(text: string, knownValues: readonly string[]): SecretSpan[] {
  return [...knownValueSpans(text, knownValues), ...privateKeySpans(text), ...urlSpans(text)];
}

/** Every occurrence of each known value, longest values first. */
export function knownValueSpans(text: string, values: readonly string[], from = 0): SecretSpan[] {
  const spans: SecretSpan[] = [];
  for (const value of values) {
    if (value === '') continue;
    for (let at = text.indexOf(value, from); at >= 0; at = text.indexOf(value, at + value.length)) {
      spans.push({ start: at, end: at + value.length, kind: 'env_value' });
    }
  }
  return spans;
}

const pemBegin = '-----BEGIN ';
const pemEnd = '-----END ';
const pemDashes = '-----';
/** The longest header label looked at (`ENCRYPTED PRIVATE KEY`, `OPENSSH PRIVATE KEY`...). */
const maxPemLabel = 64;

/**
 * `-----BEGIN ... PRIVATE KEY-----` up to its END line; a block cut off by the log tail (no END)
 * to the end of its base64 body.
 */
function privateKeySpans(text: string): SecretSpan[] {
  const spans: SecretSpan[] = [];
  let from = 0;
  for (let begin = text.indexOf(pemBegin, from); begin >= 0; begin = text.indexOf(pemBegin, from)) {
    const labelStart = begin + pemBegin.length;
    // The next BEGIN holds dashes too, so this search never runs past it.
    const labelEnd = text.indexOf(pemDashes, labelStart);
    if (labelEnd < 0) break;
    from = labelEnd;
    const label = text.slice(labelStart, Math.min(labelEnd, labelStart + maxPemLabel + 1));
    if (labelEnd - labelStart > maxPemLabel || !/PRIVATE KEY(?: BLOCK)?$/.test(label)) continue;
    let end = labelEnd + pemDashes.length;
    let inEndLine = false;
    while (end < text.length && inClass(text.charCodeAt(end), charClass.pem)) {
      if (text.charCodeAt(end) === 45 /* - */) {
        if (!inEndLine && text.startsWith(pemEnd, end)) {
          inEndLine = true;
          end += pemEnd.length;
          continue;
        }
        if (inEndLine && text.startsWith(pemDashes, end)) {
          end += pemDashes.length;
          break;
        }
      }
      end++;
    }
    // A block cut off by the log tail ends with the base64, not with what follows on its line.
    while (!inEndLine && end > labelEnd && isWhitespace(text.charCodeAt(end - 1))) end--;
    spans.push({ start: begin, end, kind: 'private_key' });
    from = end;
  }
  return spans;
}

const slackWebhookPath = 'hooks.slack.com/services/';

/** Characters that end the user-info part of a URL. */
function endsUserInfo(code: number): boolean {
  return (
    isWhitespace(code) ||
    code === 47 ||
    code === 63 ||
    code === 35 ||
    code === 64 ||
    code === 91 ||
    code === 93
  );
}

/** `scheme://user:PASSWORD@host`: the password; `https://hooks.slack.com/services/PATH`: the path. */
export function urlSpans(text: string): SecretSpan[] {
  const spans: SecretSpan[] = [];
  for (let at = text.indexOf('://'); at >= 0; at = text.indexOf('://', at + 3)) {
    if (at === 0 || !inClass(text.charCodeAt(at - 1), charClass.alnum)) continue;
    const hostStart = at + 3;
    if (text.startsWith(slackWebhookPath, hostStart)) {
      const pathStart = hostStart + slackWebhookPath.length;
      let pathEnd = pathStart;
      while (
        pathEnd < text.length &&
        (inClass(text.charCodeAt(pathEnd), charClass.alnumUnderscore) || text[pathEnd] === '/')
      )
        pathEnd++;
      if (pathEnd - pathStart >= 20) spans.push({ start: pathStart, end: pathEnd, kind: 'slack_webhook' });
      continue;
    }
    // The user-info part holds no `/`, so it never reaches the next `://`: each stretch is read once.
    let colon = -1;
    let end = hostStart;
    for (; end < text.length && !endsUserInfo(text.charCodeAt(end)); end++) {
      if (colon < 0 && text.charCodeAt(end) === 58) colon = end;
    }
    if (text.charCodeAt(end) === 64 /* @ */ && colon >= 0 && end > colon + 1) {
      spans.push({ start: colon + 1, end, kind: 'url_password' });
    }
  }
  return spans;
}

/** Spans in order, overlapping ones joined (the first one's kind kept). */
export function mergeSpans(spans: readonly SecretSpan[]): SecretSpan[] {
  const sorted = isSorted(spans) ? spans : [...spans].sort(byPosition);
  const merged: SecretSpan[] = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last && span.start < last.end) {
      if (span.end > last.end) merged[merged.length - 1] = { ...last, end: span.end };
    } else {
      merged.push(span);
    }
  }
  return merged;
}

function byPosition(a: SecretSpan, b: SecretSpan): number {
  return a.start - b.start || b.end - a.end;
}

/** Scans find their spans mostly in order: sorting is then skipped. */
export function isSorted(spans: readonly SecretSpan[]): boolean {
  for (let index = 1; index < spans.length; index++) {
    if (byPosition(spans[index - 1]!, spans[index]!) > 0) return false;
  }
  return true;
}
