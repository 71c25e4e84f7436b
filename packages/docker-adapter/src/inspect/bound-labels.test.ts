import { describe, expect, it } from 'vitest';
import { mapContainerSummary } from '../list/map-container-summary.js';
import { boundLabels, maxLabelNameChars, maxLabelsTotalChars, maxLabelValueChars } from './bound-labels.js';
import { mapInspect } from './map-inspect.js';

const halfMegabyte = 512 * 1024;

describe('boundLabels', () => {
  it('cuts a 512 KB label to 16 KiB, marked with how much was left out, at a space when there is one', () => {
    const blob = `${'QUJD'.repeat(3900)} ${'='.repeat(halfMegabyte)}`;
    const bounded = boundLabels({ 'hostile.blob': blob, app: 'shop' });
    const kept = bounded['hostile.blob']!;
    expect(kept.length).toBeLessThanOrEqual(maxLabelValueChars);
    expect(kept).toMatch(/^(QUJD)+ …\[truncated \d+ chars\]$/);
    expect(kept.startsWith(`${'QUJD'.repeat(3900)} `)).toBe(true);
    expect(Number(/truncated (\d+) chars/.exec(kept)?.[1]) + kept.indexOf('…')).toBe(blob.length);
    expect(bounded.app).toBe('shop');
  });

  it('keeps the labels the agent reads whole, however long', () => {
    const dependsOn = Array.from({ length: 3000 }, (_, index) => `service-${index}`).join(',');
    const labels = {
      'website-monitor.depends_on': dependsOn,
      'com.docker.compose.project.config_files': `/srv/${'a'.repeat(20_000)}/compose.yaml`,
      'autoheal.stop.timeout': `${' '.repeat(20_000)}10`,
    };
    expect(boundLabels(labels)).toEqual(labels);
  });

  it('bounds all the other values together, and drops absurd names', () => {
    const labels: Record<string, string> = { [`x${'y'.repeat(maxLabelNameChars)}`]: 'dropped' };
    for (let index = 0; index < 40; index++) labels[`blob.${index}`] = 'z'.repeat(halfMegabyte);
    const bounded = boundLabels(labels);
    expect(Object.keys(bounded)).toHaveLength(40);
    const total = Object.values(bounded).reduce((sum, value) => sum + value.length, 0);
    // 256 KiB of kept text, then markers alone.
    expect(total).toBeLessThan(maxLabelsTotalChars + 40 * 40);
    expect(bounded['blob.39']).toBe(`…[truncated ${halfMegabyte} chars]`);
  });

  it('never leaves half a surrogate pair before the marker', () => {
    const emoji = '\u{1F600}'.repeat(halfMegabyte / 2);
    const kept = boundLabels({ faces: emoji }).faces!;
    const text = kept.slice(0, kept.indexOf('…'));
    expect(text.length % 2).toBe(0);
    // A lone surrogate would not survive a UTF-8 round trip.
    expect(Buffer.from(text, 'utf8').toString('utf8')).toBe(text);
  });
});

describe('label bounds where labels enter the agent', () => {
  it('inspect and list answers carry a 512 KB label cut to 16 KiB', () => {
    const blob = 'A'.repeat(halfMegabyte);
    const inspected = mapInspect({
      Id: 'abc',
      Name: '/web',
      Config: { Labels: { blob, 'website-monitor.enable': 'true' } },
    });
    expect(inspected.labels.blob?.length).toBeLessThanOrEqual(maxLabelValueChars);
    expect(inspected.labels.blob).toMatch(/…\[truncated \d+ chars\]$/);
    expect(inspected.labels['website-monitor.enable']).toBe('true');
    const listed = mapContainerSummary({ Id: 'abc', Names: ['/web'], Labels: { blob } });
    expect(listed.labels.blob).toBe(inspected.labels.blob);
  });
});
