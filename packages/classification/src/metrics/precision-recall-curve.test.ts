import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { precisionRecallCurve } from './precision-recall-curve.js';

const arr = (a: ArrayLike<number>) => Array.from(a);

describe('precisionRecallCurve(scoresOfClass, isPositive, { dropIntermediate })', () => {
  it("matches scikit-learn's docstring example", () => {
    const { precision, recall, thresholds } = precisionRecallCurve(
      [0.1, 0.4, 0.35, 0.8],
      [0, 0, 1, 1],
    );
    expect(arr(precision)).toEqual([0.5, 2 / 3, 0.5, 1, 1]);
    expect(arr(recall)).toEqual([1, 1, 0.5, 0.5, 0]);
    expect(arr(thresholds)).toEqual([0.1, 0.35, 0.4, 0.8]);
  });

  it('keeps only the ends of runs of equal true positives with dropIntermediate', () => {
    // Descending: tps 1, 1, 1, 1, 2 and fps 0, 1, 2, 3, 3 -> keep 0.9, 0.6, 0.5.
    const s = [0.9, 0.8, 0.7, 0.6, 0.5];
    const p = [1, 0, 0, 0, 1];
    const r = precisionRecallCurve(s, p, { dropIntermediate: true });
    expect(arr(r.precision)).toEqual([2 / 5, 1 / 4, 1, 1]);
    expect(arr(r.recall)).toEqual([1, 0.5, 0.5, 0]);
    expect(arr(r.thresholds)).toEqual([0.5, 0.6, 0.9]);
  });

  it('sets recall to 1 when there are no positives, precision 0', () => {
    const r = precisionRecallCurve([0.2, 0.6], [0, 0]);
    expect(arr(r.recall)).toEqual([1, 1, 0]);
    expect(arr(r.precision)).toEqual([0, 0, 1]);
  });

  it('rejects NaN scores and non-binary labels', () => {
    expect(() => precisionRecallCurve([Number.NaN], [1])).toThrow(InterpError);
    expect(() => precisionRecallCurve([0.5], [3])).toThrow(/isPositive\[0\] = 3/);
  });
});
