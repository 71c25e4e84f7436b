import { describe, expect, it } from 'vitest';
import { scaleSeries } from './sparkline.js';

describe('scaleSeries', () => {
  it('spreads points across the width, highest at the top, skipping gaps', () => {
    expect(scaleSeries([0, null, 10], 100, 20)).toEqual({ points: '0,20 100,0', min: 0, max: 10 });
  });

  it('keeps a flat series mid-height and a lone point at the right edge', () => {
    expect(scaleSeries([5, 5], 100, 20).points).toBe('0,10 100,10');
    expect(scaleSeries([5], 100, 20).points).toBe('100,10');
  });

  it('does not blow small wobbles up to the full height when a floor is given', () => {
    const { points, max } = scaleSeries([0.1, 0.2], 100, 20, { min: 0, floor: 2 });
    expect(max).toBe(2);
    expect(points).toBe('0,19 100,18');
  });

  it('gives no points for no readings', () => {
    expect(scaleSeries([null, undefined], 100, 20).points).toBe('');
  });
});
