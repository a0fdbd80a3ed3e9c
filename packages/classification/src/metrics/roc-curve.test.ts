import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { rocCurve } from './roc-curve.js';

const arr = (a: ArrayLike<number>) => Array.from(a);

describe('rocCurve(scoresOfClass, isPositive, { dropIntermediate })', () => {
  it("matches scikit-learn's docstring example (first threshold +Infinity)", () => {
    // roc_curve([1, 1, 2, 2], [0.1, 0.4, 0.35, 0.8], pos_label=2)
    const { fpr, tpr, thresholds } = rocCurve([0.1, 0.4, 0.35, 0.8], [false, false, true, true]);
    expect(arr(fpr)).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(arr(tpr)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(arr(thresholds)).toEqual([Number.POSITIVE_INFINITY, 0.8, 0.4, 0.35, 0.1]);
  });

  it('drops collinear points unless dropIntermediate is false', () => {
    // Counts at 0.9, 0.8, 0.7, 0.6: tps 1, 2, 3, 3 and fps 0, 0, 0, 1: the 0.8 point lies on a line.
    const scores = [0.9, 0.8, 0.7, 0.6];
    const pos = [1, 1, 1, 0];
    const dropped = rocCurve(scores, pos);
    expect(arr(dropped.fpr)).toEqual([0, 0, 0, 1]);
    expect(arr(dropped.tpr)).toEqual([0, 1 / 3, 1, 1]);
    expect(arr(dropped.thresholds)).toEqual([Number.POSITIVE_INFINITY, 0.9, 0.7, 0.6]);
    const all = rocCurve(scores, pos, { dropIntermediate: false });
    expect(arr(all.tpr)).toEqual([0, 1 / 3, 2 / 3, 1, 1]);
  });

  it('puts tied scores in one point', () => {
    const { fpr, tpr, thresholds } = rocCurve([0.5, 0.5, 0.2], [1, 0, 1]);
    expect(arr(fpr)).toEqual([0, 1, 1]);
    expect(arr(tpr)).toEqual([0, 0.5, 1]);
    expect(arr(thresholds)).toEqual([Number.POSITIVE_INFINITY, 0.5, 0.2]);
  });

  it('gives NaN rates when a side is missing, as scikit-learn', () => {
    const { fpr, tpr } = rocCurve([0.3, 0.7], [1, 1]);
    expect(arr(fpr).every(Number.isNaN)).toBe(true);
    expect(arr(tpr)).toEqual([0, 0.5, 1]);
  });

  it('rejects NaN scores, non-binary labels and mismatched lengths', () => {
    expect(() => rocCurve([0.1, Number.NaN], [0, 1])).toThrow(InterpError);
    expect(() => rocCurve([0.1, Number.NaN], [0, 1])).toThrow(/scores\[1\] is NaN/);
    expect(() => rocCurve([0.1, 0.2], [0, 2])).toThrow(/isPositive\[1\] = 2 is not 0\/1/);
    expect(() => rocCurve([0.1, 0.2], [0])).toThrow(/isPositive has 1 items but the scores have 2/);
    expect(() => rocCurve([], [])).toThrow(/at least one item/);
  });
});
