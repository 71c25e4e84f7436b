import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpuTimed } from '../internal/cpu-time.test-helper.js';
import { knownLabels, labelPrefix, maxReadLabelChars, readContainerLabels } from './container-labels.js';

const packagesDirectory = new URL('../../../', import.meta.url).pathname;

// Strings that start like a label but name something else.
const notLabels = new Set([
  'website-monitor.error', // Symbol.for key of MonitorError
  'website-monitor.token', // the dashboard's localStorage key
  'website-monitor.yaml', // a config file name
]);

/** Every `website-monitor.<name>` string and `${labelPrefix}<name>` template in shipped sources. */
function labelsReadBySources(): Map<string, string> {
  const found = new Map<string, string>();
  const literal = /['"`](website-monitor\.[a-z0-9_]+)/g;
  const templated = /\$\{labelPrefix\}([a-z0-9_]+)/g;
  for (const entry of readdirSync(packagesDirectory, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const source = join(packagesDirectory, entry.name, 'src');
    let files: string[];
    try {
      files = readdirSync(source, { recursive: true, encoding: 'utf8' });
    } catch {
      continue;
    }
    for (const file of files) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file.includes('.test-helper.')) continue;
      const text = readFileSync(join(source, file), 'utf8');
      for (const match of text.matchAll(literal)) found.set(match[1]!, `${entry.name}/src/${file}`);
      for (const match of text.matchAll(templated))
        found.set(`${labelPrefix}${match[1]}`, `${entry.name}/src/${file}`);
    }
  }
  for (const name of notLabels) found.delete(name);
  return found;
}

describe('known labels', () => {
  it('lists every website-monitor.* label any shipped source reads', () => {
    const read = labelsReadBySources();
    // The scan itself must see the labels read outside this module.
    expect(read.get('website-monitor.gc_command')).toBe('core/src/heal/built-in/garbage-collection.ts');
    expect(read.has('website-monitor.health_endpoint')).toBe(true);
    const unknown = [...read].filter(([label]) => !knownLabels.includes(label));
    expect(unknown, 'labels read in these files are not in knownLabels').toEqual([]);
  });

  it('does not call gc_command, or any known label, unknown', () => {
    const labels = Object.fromEntries(knownLabels.map((label) => [label, 'x']));
    const { issues } = readContainerLabels({ containerName: 'php', labels });
    expect(issues.filter((issue) => issue.includes('unknown label'))).toEqual([]);
    expect(
      readContainerLabels({
        containerName: 'php',
        labels: { 'website-monitor.gc_command': '["kill","-USR2","1"]' },
      }).issues,
    ).toEqual([]);
  });

  it('still names an unknown one, with a suggestion, and bounds a huge one', () => {
    expect(
      readContainerLabels({ containerName: 'php', labels: { 'website-monitor.gc_comand': 'x' } }).issues,
    ).toEqual([
      'container php: unknown label website-monitor.gc_comand (did you mean website-monitor.gc_command?); ignored',
    ]);
    const huge = `website-monitor.${'a'.repeat(512 * 1024)}`;
    const { result: read, ms } = cpuTimed(() =>
      readContainerLabels({ containerName: 'php', labels: { [huge]: 'x' } }),
    );
    const { issues } = read;
    expect(ms).toBeLessThan(100);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.length).toBeLessThan(300);
  });

  it('ignores, without parsing, a value of a label it reads that is longer than the bound', () => {
    const names = Array.from({ length: 100_000 }, (_, index) => `service-${index}`).join(',');
    const { result: read, ms } = cpuTimed(() =>
      readContainerLabels({
        containerName: 'web',
        labels: {
          'website-monitor.depends_on': names,
          'website-monitor.health_endpoint': `http://web:8080/${'a'.repeat(512 * 1024)}`,
          'website-monitor.check_interval_seconds': `${' '.repeat(maxReadLabelChars)}5`,
          'website-monitor.failure_threshold': '2',
        },
      }),
    );
    expect(ms).toBeLessThan(50);
    expect(read.dependsOn).toBeUndefined();
    expect(read.healthEndpoint).toBeUndefined();
    expect(read.settings).toEqual({ failureThreshold: 2 });
    expect(read.issues).toHaveLength(3);
    for (const issue of read.issues) {
      expect(issue).toMatch(
        /^container web: label website-monitor\.\w+=.*: longer than 16384 characters; ignored$/,
      );
      expect(issue.length).toBeLessThan(400);
    }
  });
});
