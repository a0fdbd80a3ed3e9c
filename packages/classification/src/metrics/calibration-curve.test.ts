import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { calibrationCurve } from './calibration-curve.js';

const arr = (a: ArrayLike<number>) => Array.from(a);

describe('calibrationCurve(probs, isPositive, { nBins, strategy })', () => {
  it("matches scikit-learn's docstring example", () => {
    const probs = [0.1, 0.2, 0.3, 0.4, 0.65, 0.7, 0.8, 0.9, 1];
    const r = calibrationCurve(probs, [0, 0, 0, 0, 1, 1, 1, 1, 1], { nBins: 3 });
    expect(arr(r.probTrue)).toEqual([0, 0.5, 1]);
    // Bin sums are sequential (np.bincount): (0.1 + 0.2 + 0.3) / 3, (0.4 + 0.65) / 2, ...
    expect(arr(r.probPred)).toEqual([
      (0.1 + 0.2 + 0.3) / 3,
      (0.4 + 0.65) / 2,
      (0.7 + 0.8 + 0.9 + 1) / 4,
    ]);
    expect(arr(r.counts)).toEqual([3, 2, 4]);
  });

  it('puts a value on an edge in the lower bin, with NumPy linspace edges', () => {
    // Edges 0, 0.2, 0.4, 0.6000000000000001, 0.8, 1: 0.4 -> bin 1, 0.6 -> bin 2, 0.8 -> bin 3.
    const r = calibrationCurve([0.4, 0.6, 0.8], [1, 0, 1]);
    expect(arr(r.edges)).toEqual([0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]);
    expect(arr(r.counts)).toEqual([1, 1, 1]);
    expect(arr(r.probPred)).toEqual([0.4, 0.6, 0.8]);
    expect(arr(r.probTrue)).toEqual([1, 0, 1]);
  });

  it("uses NumPy's linear percentiles for strategy 'quantile' (float32 and float64)", () => {
    const y = [0, 1, 0, 1, 0, 1, 1];
    const f32 = Float32Array.of(0.1, 0.7, 0.33, 0.9, 0.25, 0.61, 0.05);
    // np.percentile(y_prob, np.linspace(0, 1, 6) * 100) with NumPy 2.4: a float32 input takes
    // neighbour differences in float32 (second edge), a float64 input does not.
    const r32 = calibrationCurve(f32, y, { strategy: 'quantile' });
    expect(arr(r32.edges)).toEqual([
      0.05000000074505806, 0.13000000268220904, 0.28200000524520874, 0.49800001382827774,
      0.6819999933242799, 0.8999999761581421,
    ]);
    const r64 = calibrationCurve(Float64Array.from(f32), y, { strategy: 'quantile' });
    expect(r64.edges[1]).toBe(0.13000000119209293);
    for (const r of [r32, r64]) {
      expect(arr(r.probTrue)).toEqual([0.5, 0, 0, 1, 1]);
      expect(arr(r.probPred)).toEqual([
        0.07500000111758709, 0.25, 0.33000001311302185, 0.6100000143051147, 0.7999999821186066,
      ]);
    }
  });

  it('rejects probabilities outside [0, 1], bad options and labels', () => {
    expect(() => calibrationCurve([1.2], [1])).toThrow(InterpError);
    expect(() => calibrationCurve([1.2], [1])).toThrow(/probs\[0\] = 1\.2 is not a probability/);
    expect(() => calibrationCurve([Number.NaN], [1])).toThrow(/probs\[0\] = NaN/);
    expect(() => calibrationCurve([0.2], [1], { nBins: 0 })).toThrow(/nBins must be >= 1/);
    // biome-ignore lint/suspicious/noExplicitAny: testing a wrong option
    expect(() => calibrationCurve([0.2], [1], { strategy: 'kmeans' as any })).toThrow(
      /invalid strategy/,
    );
    expect(() => calibrationCurve([0.2], [2])).toThrow(/isPositive\[0\] = 2/);
    expect(() => calibrationCurve([], [])).toThrow(/at least one item/);
  });
});
