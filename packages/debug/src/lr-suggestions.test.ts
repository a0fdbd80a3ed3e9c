import { describe, expect, it } from 'vitest';
import { minimum } from './minimum.js';
import { slide, slideDefaults } from './slide.js';
import { steep } from './steep.js';
import { interpError } from './test-models.js';
import { valley } from './valley.js';

const pow10 = (from: number, n: number) => Array.from({ length: n }, (_, i) => 10 ** (from + i));

describe('valley(lrs, losses)', () => {
  it('takes the point 2/3 down the longest valley, with fastai’s start index', () => {
    // lds (longest decreasing run ending at i) = [1, 2, 3, 4, 1]; fastai sets max_end = 3 and
    // max_start = 3 - 4 = -1, so sections = 4/3 and idx = -1 + 1 + 0 = 0.
    const r = valley([1e-4, 1e-3, 1e-2, 1e-1, 1], [2, 1.9, 1.5, 1, 3], 100);
    expect(r.lr).toBe(1e-4);
    expect(r.point).toEqual([1e-4, 2]);
  });

  it('finds a valley that starts after a bump', () => {
    // losses 1, 2, 1.8, 1.5, 1.2, 0.9, 0.8, 3: lds = [1, 1, 2, 3, 4, 5, 6, 1]; max_end = 6,
    // max_start = 6 - 6 = 0, sections = 2, idx = 0 + 2 + 1 = 3.
    const lrs = pow10(-7, 8);
    const r = valley(lrs, [1, 2, 1.8, 1.5, 1.2, 0.9, 0.8, 3], 100);
    expect(r.lr).toBe(lrs[3]);
    expect(r.point).toEqual([lrs[3], 1.5]);
  });

  it('wraps a -1 index to the last point, as Python does', () => {
    // losses 2, 1, 3: lds = [1, 2, 1]; max_end = 1, max_start = -1, sections = 2/3, idx = -1.
    const r = valley([1, 2, 3], [2, 1, 3], 100);
    expect(r.point).toEqual([3, 3]);
  });

  it('rejects bad input', () => {
    expect(() => valley([], [], 100)).toThrow(interpError(/at least 1 point/));
    expect(() => valley([1, 2], [1], 100)).toThrow(interpError(/2 learning rates but 1 losses/));
  });
});

describe('slide(lrs, losses, numIt, { lrDiff, thresh, adjustValue })', () => {
  it('has the expected defaults', () => {
    expect(slideDefaults).toEqual({ lrDiff: 15, thresh: 0.005, adjustValue: 1 });
  });

  it('slides left until the gradients lrDiff apart agree within thresh', () => {
    // np.gradient of [5, 4, 3, 2.5, 2.4, 2.6, 3.5] = [-1, -1, -0.75, -0.3, 0.05, 0.55, 0.9].
    // lrDiff 2: |g6-g4| = .85, |g5-g3| = .85, |g4-g2| = .8, |g3-g1| = .7 all > .3, moving the
    // suggestion to lrs[-3], lrs[-4], lrs[-5], lrs[-6] = 1e-5; then |g2-g0| = .25 <= .3 stops.
    const lrs = pow10(-6, 7);
    const losses = [5, 4, 3, 2.5, 2.4, 2.6, 3.5];
    const r = slide(lrs, losses, 100, { lrDiff: 2, thresh: 0.3 });
    expect(r.lr).toBeCloseTo(1e-5, 20);
    expect(r.point[1]).toBeCloseTo(4, 12);
    // adjustValue 2: 2e-5, loss interpolated at log10(2e-5) between 4 (at -5) and 3 (at -4).
    const a = slide(lrs, losses, 100, { lrDiff: 2, thresh: 0.3, adjustValue: 2 });
    expect(a.lr).toBeCloseTo(2e-5, 20);
    expect(a.point[1]).toBeCloseTo(4 - Math.log10(2), 12);
    // thresh 0.1: no pair agrees, the window runs off the start: lrs[0].
    expect(slide(lrs, losses, 100, { lrDiff: 2, thresh: 0.1 }).lr).toBe(1e-6);
  });

  it('stops at once on a straight line (defaults: lrDiff 15)', () => {
    const lrs = pow10(-10, 20);
    const losses = lrs.map((_, i) => 10 - 0.1 * i);
    const r = slide(lrs, losses, 100);
    expect(r.lr).toBe(lrs[4]); // lrs[-16]
    expect(r.point[1]).toBeCloseTo(9.6, 12);
  });

  it('needs lrDiff + 1 points', () => {
    expect(() => slide(pow10(-5, 10), new Array(10).fill(1), 100)).toThrow(
      interpError(/at least 16 points/),
    );
    expect(() => slide([1, 2], [1, 1], 100, { lrDiff: 0 })).toThrow(interpError(/invalid lrDiff/));
  });
});

describe('steep(lrs, losses)', () => {
  it('picks the start of the steepest descent per log(lr)', () => {
    // slopes (per ln 10): -0.1, -0.9, -0.1 -> segment 1 -> lr 1e-2.
    const r = steep([1e-3, 1e-2, 1e-1, 1], [2, 1.9, 1, 0.9], 100);
    expect(r.lr).toBe(1e-2);
    expect(r.point).toEqual([1e-2, 1.9]);
  });

  it('weighs the slope by the spacing in log(lr)', () => {
    // drops 0.5 over ln(100) and 0.3 over ln(10): the second is steeper.
    const r = steep([1e-4, 1e-2, 1e-1], [2, 1.5, 1.2], 100);
    expect(r.lr).toBe(1e-2);
  });

  it('needs two points', () => {
    expect(() => steep([1], [1], 100)).toThrow(interpError(/at least 2 points/));
  });
});

describe('minimum(lrs, losses)', () => {
  it('suggests a tenth of the lr at the lowest loss, first one on ties', () => {
    expect(minimum([1e-3, 1e-2, 1e-1], [2, 1, 3], 100)).toEqual({ lr: 1e-3, point: [1e-2, 1] });
    expect(minimum([1e-3, 1e-2, 1e-1], [2, 1, 1], 100).point).toEqual([1e-2, 1]);
  });
});
