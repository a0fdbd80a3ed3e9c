import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { matthewsCorrcoef } from './matthews-corrcoef.js';

describe('matthewsCorrcoef(targs, preds, numClasses)', () => {
  it("matches scikit-learn's docstring example (-1/3)", () => {
    // y_true [+1, +1, +1, -1], y_pred [+1, -1, +1, +1] with -1 -> 0, +1 -> 1.
    expect(matthewsCorrcoef([1, 1, 1, 0], [1, 0, 1, 1], 2)).toBe(-1 / 3);
  });

  it("uses scikit-learn's multiclass formula (hand-worked)", () => {
    // Confusion [[1,1,0],[0,2,0],[1,0,1]]: t = [2,2,2], p = [2,3,1], correct 4, N 6.
    // cov(yt,yp) = 4·6 - (4 + 6 + 2) = 12, cov(yp,yp) = 36 - 14 = 22, cov(yt,yt) = 36 - 12 = 24.
    expect(matthewsCorrcoef([0, 0, 1, 1, 2, 2], [0, 1, 1, 1, 2, 0], 3)).toBe(
      12 / Math.sqrt(22 * 24),
    );
    expect(matthewsCorrcoef([0, 1, 2], [0, 1, 2], 3)).toBe(1);
  });

  it('is 0 when a side has one class only (zero denominator)', () => {
    expect(matthewsCorrcoef([0, 1, 2], [1, 1, 1], 3)).toBe(0);
  });

  it('rejects bad labels and empty input', () => {
    expect(() => matthewsCorrcoef([0, 1], [0, 5], 3)).toThrow(InterpError);
    expect(() => matthewsCorrcoef([0, 1], [0, 5], 3)).toThrow(/preds\[1\] = 5/);
    expect(() => matthewsCorrcoef([], [], 3)).toThrow(/at least one item/);
  });
});
