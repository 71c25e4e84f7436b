import { describe, expect, it } from 'vitest';
import { cpuTimed } from '../internal/cpu-time.test-helper.js';
import { configLimits } from './config-limits.js';
import { validateConfigText } from './parse-monitor-config.js';
import { readYamlSource } from './yaml-source.js';

/** The classic "billion laughs": 9 levels of 9 aliases each, 342 bytes, 9^9 values if expanded. */
function billionLaughs(): string {
  let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  let previous = 'a';
  for (const name of 'bcdefghi') {
    text += `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]\n`;
    previous = name;
  }
  return text;
}

/** CPU time, not wall time: see cpuTimed. */
const timed = cpuTimed;

describe('readYamlSource: hostile YAML', () => {
  it('refuses an alias bomb within a second, naming the alias that crossed the limit', () => {
    const { result, ms } = timed(() => validateConfigText({ text: billionLaughs(), env: {} }));
    expect(ms).toBeLessThan(1_000);
    expect(result.ok).toBe(false);
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]?.message).toBe(
      `aliases expand to more than ${configLimits.maxAliasExpansion} values (an alias bomb?): use fewer or smaller anchors`,
    );
    // b..d expand to 90, 819 and 7,380 values; the first alias on line 5 (e: [*d, ...]) tips it over.
    expect(result.issues[0]).toMatchObject({ path: 'e[0]', line: 5 });
  });

  it('reports an alias inside its own anchor at the alias line, without recursing', () => {
    const result = validateConfigText({ text: 'monitoring: {}\na: &a [1, *a]\n', env: {} });
    expect(result.ok).toBe(false);
    expect(result.issues[0]).toEqual({
      path: 'a[1]',
      line: 2,
      message:
        'alias *a is inside the value it names (&a, from line 2): a config value cannot contain itself',
    });
  });

  it('reports a mapping that aliases itself further down, once, at the alias line', () => {
    const text =
      'monitoring:\n  interval_seconds: 30\nhealing: &h\n  auto_heal_enabled: true\n  again: *h\nother: *h\n';
    const result = validateConfigText({ text, env: {} });
    expect(result.ok).toBe(false);
    const recursive = result.issues.filter((issue) => issue.message.includes('inside the value it names'));
    expect(recursive).toEqual([
      {
        path: 'healing.again',
        line: 5,
        message:
          'alias *h is inside the value it names (&h, from line 4): a config value cannot contain itself',
      },
    ]);
  });

  it('reports an alias with no anchor before it', () => {
    const source = readYamlSource({ text: 'a: *nowhere\nb: &nowhere 1\n', env: {} });
    expect(source.issues).toEqual([
      { path: 'a', line: 1, message: 'alias *nowhere has no anchor &nowhere before it' },
    ]);
  });

  it('still expands ordinary anchors, with the lines of the anchor', () => {
    const text = [
      'x-probe: &probe',
      '  max_restarts_per_hour: 2',
      'monitoring:',
      '  containers:',
      '    - name: web',
      '      <<: 1',
      '    - { name: api, max_restarts_per_hour: 2 }',
      'shared: [*probe, *probe]',
    ].join('\n');
    const source = readYamlSource({ text, env: {} });
    expect(source.issues).toEqual([]);
    expect((source.value as { shared: unknown }).shared).toEqual([
      { max_restarts_per_hour: 2 },
      { max_restarts_per_hour: 2 },
    ]);
  });

  it('refuses more anchors than the limit before composing, at the line of the first one over', () => {
    const lines = Array.from(
      { length: configLimits.maxAnchors + 1 },
      (_, index) => `k${index}: &a${index} x`,
    );
    const { result, ms } = timed(() => readYamlSource({ text: `${lines.join('\n')}\n`, env: {} }));
    expect(ms).toBeLessThan(1_000);
    expect(result.issues).toEqual([
      {
        path: '',
        line: configLimits.maxAnchors + 1,
        message: `more than ${configLimits.maxAnchors} anchors (&name): a config needs only a few`,
      },
    ]);
  });

  it('does not count an & inside quotes or comments as an anchor', () => {
    const lines = Array.from(
      { length: configLimits.maxAnchors + 1 },
      (_, index) => `k${index}: "&a${index}" # &c`,
    );
    expect(readYamlSource({ text: lines.join('\n'), env: {} }).issues).toEqual([]);
  });

  it('refuses nesting deeper than the limit', () => {
    const depth = configLimits.maxDepth + 5;
    const text = `a: ${'['.repeat(depth)}1${']'.repeat(depth)}\n`;
    const source = readYamlSource({ text, env: {} });
    expect(source.issues).toHaveLength(1);
    expect(source.issues[0]?.message).toBe(`nested more than ${configLimits.maxDepth} levels deep`);
    expect(source.issues[0]?.line).toBe(1);
  });

  it('refuses block nesting deeper than the limit while reading', () => {
    const depth = configLimits.maxDepth + 5;
    const text = Array.from({ length: depth }, (_, level) => `${'  '.repeat(level)}k${level}:`).join('\n');
    const source = readYamlSource({ text: `${text} 1\n`, env: {} });
    expect(source.issues).toEqual([
      {
        path: expect.stringMatching(/^k0\.k1\./),
        line: configLimits.maxDepth + 1,
        message: `nested more than ${configLimits.maxDepth} levels deep`,
      },
    ]);
  });

  it('refuses more keys and values than the limit before composing', () => {
    const text = `a: [${'1,'.repeat(configLimits.maxTokens / 2 + 1)}]\n`;
    const { result, ms } = timed(() => readYamlSource({ text, env: {} }));
    expect(ms).toBeLessThan(1_000);
    expect(result.issues).toEqual([
      {
        path: '',
        line: 1,
        message: `more than ${configLimits.maxTokens} keys, values and punctuation marks: a config is far smaller`,
      },
    ]);
  });

  it('reports a duplicate key at its line, with the line of the first', () => {
    const source = readYamlSource({ text: 'claude:\n  enabled: true\n  enabled: false\n', env: {} });
    expect(source.issues).toEqual([
      { path: 'claude.enabled', line: 3, message: 'duplicate key "enabled" (first on line 2)' },
    ]);
  });

  it('reads a map of many keys in linear time', () => {
    const keys = Array.from({ length: 30_000 }, (_, index) => `k${index}: ${index}`);
    const { result, ms } = timed(() => readYamlSource({ text: keys.join('\n'), env: {} }));
    expect(result.issues).toEqual([]);
    expect(ms).toBeLessThan(2_000);
  });

  it('refuses a text over the size limit without parsing it', () => {
    const text = `# ${'x'.repeat(configLimits.maxFileBytes)}\n`;
    const { result, ms } = timed(() => validateConfigText({ text, env: {} }));
    expect(ms).toBeLessThan(1_000);
    expect(result.issues).toEqual([
      {
        path: '',
        line: undefined,
        message: 'the config is at least 1 MiB, over the 1 MiB limit for a config file',
      },
    ]);
  });

  it('counts the limit in bytes, not characters', () => {
    const text = `# ${'é'.repeat(configLimits.maxFileBytes / 2)}\n`;
    expect(readYamlSource({ text, env: {} }).issues[0]?.message).toMatch(/^the config is 1(\.0)? MiB/);
  });
});
