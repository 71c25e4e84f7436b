import { describe, expect, it } from 'vitest';
import type { ContainerBaseline } from '../domain/baseline.js';
import { isWarmedUp, standardDeviation, updateBaseline } from './ewma-baseline.js';

const reading = (value: number) => ({
  host: 'h',
  containerName: 'web',
  metric: 'response_time_ms' as const,
  value,
});

function learn(values: readonly number[], image = 'web:1', start?: ContainerBaseline) {
  let baseline = start;
  values.forEach((value, index) => {
    baseline = updateBaseline(baseline, reading(value), { now: index, image });
  });
  return baseline!;
}

describe('updateBaseline', () => {
  it('starts from the first reading with no spread', () => {
    expect(updateBaseline(undefined, reading(20), { now: 5, image: 'web:1' })).toEqual({
      host: 'h',
      containerName: 'web',
      image: 'web:1',
      metric: 'response_time_ms',
      mean: 20,
      variance: 0,
      samples: 1,
      updatedAt: 5,
    });
  });

  it('averages the first readings plainly, then follows a steady series with its spread', () => {
    expect(learn([10, 20, 30]).mean).toBeCloseTo(20);
    const values = Array.from({ length: 500 }, (_, i) => (i % 2 === 0 ? 17 : 23));
    const baseline = learn(values);
    expect(baseline.mean).toBeGreaterThan(19);
    expect(baseline.mean).toBeLessThan(21);
    expect(standardDeviation(baseline)).toBeGreaterThan(2);
    expect(standardDeviation(baseline)).toBeLessThan(4);
    expect(baseline.samples).toBe(500);
  });

  it('is not moved much by one spike once warmed up', () => {
    const steady = learn(Array.from({ length: 200 }, () => 20));
    const after = updateBaseline(steady, reading(400), { now: 1, image: 'web:1' });
    expect(after.mean).toBeLessThan(40);
  });

  it('starts afresh when the image changed', () => {
    const old = learn(Array.from({ length: 100 }, () => 20));
    const reset = updateBaseline(old, reading(400), { now: 9, image: 'web:2' });
    expect(reset).toMatchObject({ image: 'web:2', mean: 400, variance: 0, samples: 1 });
  });

  it('rejects an alpha outside (0, 1]', () => {
    const one = learn([1]);
    expect(() => updateBaseline(one, reading(2), { now: 1, image: 'web:1', alpha: 0 })).toThrow(/alpha/);
    expect(() => updateBaseline(one, reading(2), { now: 1, image: 'web:1', alpha: 1.5 })).toThrow(/alpha/);
  });

  it('ignores a non-finite reading', () => {
    const one = learn([5]);
    expect(updateBaseline(one, reading(Number.NaN), { now: 1, image: 'web:1' })).toBe(one);
  });
});

describe('isWarmedUp', () => {
  it('needs minSamples readings', () => {
    expect(isWarmedUp(undefined, 3)).toBe(false);
    expect(isWarmedUp(learn([1, 2]), 3)).toBe(false);
    expect(isWarmedUp(learn([1, 2, 3]), 3)).toBe(true);
  });
});

describe('updateBaseline with learnSpread false', () => {
  it('moves the mean but keeps the spread', () => {
    const steady = learn([19, 21, 19, 21]);
    const after = updateBaseline(steady, reading(400), { now: 9, image: 'web:1', learnSpread: false });
    expect(after.variance).toBe(steady.variance);
    expect(after.mean).toBeGreaterThan(steady.mean);
  });
});
