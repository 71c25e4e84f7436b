import { describe, expect, it } from 'vitest';
import { readConfigDocs } from './config-docs.js';

const page = `# Configuration

## How the file is read

| Key | Default | Meaning |
| --- | --- | --- |
| \`not_a_section\` | \`1\` | Under a heading that names no section: ignored. |

## \`storage\`

Where incidents are kept; see [storage.md](storage.md) for **sizing**.

| Key | Default | Meaning |
| --- | --- | --- |
| \`retention_days\` | \`30\` | Samples older than this are removed. See [retention](#retention). |
| \`url\` | unset | A \`postgres://\` URL. |
| \`spool_path\` | \`./spool.db\`, or next to \`path\` | The spool. |
| any key of \`defaults\` | inherited | Not a key row. |

\`\`\`yaml
| \`in_a_fence\` | \`2\` | ignored |
\`\`\`

### \`monitoring.containers[]\`

| Key | Default | Meaning |
| --- | --- | --- |
| \`stop_timeout_seconds\` | \`healing.stop_timeout_seconds\` | Graceful stop timeout. |
| \`depends_on\` | \`[]\` | Containers this one needs. |

### \`healing.strategies\`

| Step key | Meaning |
| --- | --- |
| \`action\` | Required; an action name. |

| Kind | Default steps |
| --- | --- |
| \`crash_loop\` | not a key table |
`;

describe('readConfigDocs', () => {
  const docs = readConfigDocs(page);

  it('reads the key tables under headings that name a section, and nothing else', () => {
    expect([...docs.keys.keys()]).toEqual([
      'storage.retention_days',
      'storage.url',
      'storage.spool_path',
      'monitoring.containers[].stop_timeout_seconds',
      'monitoring.containers[].depends_on',
      'healing.strategies.action',
    ]);
  });

  it('keeps the meaning as text (links become their words), the default as written and as a value', () => {
    expect(docs.keys.get('storage.retention_days')).toEqual({
      meaning: 'Samples older than this are removed. See retention.',
      defaultText: '`30`',
      defaultValue: 30,
    });
    expect(docs.keys.get('monitoring.containers[].depends_on')?.defaultValue).toEqual([]);
    // Words, several literals, or the name of another key: a default to read, not a value.
    expect(docs.keys.get('storage.url')).toEqual({ meaning: 'A `postgres://` URL.', defaultText: 'unset' });
    expect(docs.keys.get('storage.spool_path')?.defaultValue).toBeUndefined();
    expect(docs.keys.get('monitoring.containers[].stop_timeout_seconds')?.defaultValue).toBeUndefined();
    expect(docs.keys.get('healing.strategies.action')).toEqual({ meaning: 'Required; an action name.' });
  });

  it("takes a section's first paragraph as its description", () => {
    expect(docs.sections.get('storage')).toBe('Where incidents are kept; see storage.md for sizing.');
    expect(docs.sections.has('monitoring.containers[]')).toBe(false);
  });
});
