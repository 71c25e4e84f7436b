import { cutPoint, labelPrefix, truncationMarker } from '@website-monitor/core/internal';

/**
 * The longest label value kept of a label the agent does not read. Docker accepts 512 KB labels,
 * and whatever holds the details (the redactors, a diagnosis context, the event stream, a log
 * line) would otherwise carry, copy or scan all of it at every check.
 */
export const maxLabelValueChars = 16 * 1024;
/**
 * All kept values of labels the agent does not read, together; past it a value is only its
 * marker. A diagnosis scans every label for secrets (a few ms per 16 KiB of adversarial text):
 * this bounds that scan for a container with hundreds of long labels.
 */
export const maxLabelsTotalChars = 64 * 1024;
/** A longer label name is dropped: no label the agent reads comes near it, and it cannot be cut without merging two names. */
export const maxLabelNameChars = 1024;

/** `autoheal` (its enable label) and `autoheal.stop.timeout`, read for autoheal's users. */
const autohealPrefix = 'autoheal';
/** Compose's own labels: project, service, working directory, config files, depends_on, oneoff. */
const composePrefix = 'com.docker.compose.';

/**
 * Labels the agent reads: kept whole, since a cut value could read as another valid one (a
 * shorter `depends_on` list); the core bounds what it parses of them.
 */
export function isReadLabel(name: string): boolean {
  return name.startsWith(labelPrefix) || name.startsWith(composePrefix) || name.startsWith(autohealPrefix);
}

/**
 * A container's labels with every value the agent does not read cut to `maxLabelValueChars`
 * (marked `…[truncated N chars]`), those values bounded together by `maxLabelsTotalChars`, and
 * names over `maxLabelNameChars` dropped. A cut value is a fresh string, so the engine's 512 KB
 * answer is not kept alive behind it.
 */
export function boundLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  const bounded: Record<string, string> = {};
  let remaining = maxLabelsTotalChars;
  for (const [name, value] of Object.entries(labels)) {
    if (name.length > maxLabelNameChars) continue;
    if (isReadLabel(name)) {
      bounded[name] = value;
      continue;
    }
    const kept = boundValue(value, Math.min(maxLabelValueChars, Math.max(0, remaining)));
    remaining -= kept.length;
    bounded[name] = kept;
  }
  return bounded;
}

function boundValue(value: string, maxChars: number): string {
  if (value.length <= maxChars) return value;
  let cut = cutPoint(value, maxChars);
  // Not between the two halves of a surrogate pair.
  if (cut > 0 && isHighSurrogate(value.charCodeAt(cut - 1))) cut -= 1;
  return detached(`${value.slice(0, cut)}${truncationMarker(value.length - cut)}`);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * A copy that shares no memory with `text`: V8 represents a slice as a view on its parent string,
 * which would keep the whole 512 KB value alive for as long as the details are.
 */
function detached(text: string): string {
  return Buffer.from(text, 'utf16le').toString('utf16le');
}
