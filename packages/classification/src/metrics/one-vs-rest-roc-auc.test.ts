import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { oneVsRestRocAuc } from './one-vs-rest-roc-auc.js';

// Hand-worked by counting pairs (AUC = P(positive outscores negative), ties half):
//   class 0: positive 0.7 vs 0.3 0.2 0.4 0.1 -> 4/4 = 1
//   class 1: positives 0.4, 0.6 vs 0.2 0.3 0.4 -> (2 + 0.5 + 3) / 6 = 11/12
//   class 2: positives 0.5, 0.2 vs 0.1 0.3 0.3 -> (3 + 1) / 6 = 2/3
const scores = [
  [0.7, 0.2, 0.1],
  [0.3, 0.4, 0.3],
  [0.2, 0.3, 0.5],
  [0.4, 0.4, 0.2],
  [0.1, 0.6, 0.3],
].flat();
const targs = [0, 1, 2, 2, 1];

describe('oneVsRestRocAuc(scores, numClasses, targs)', () => {
  it('gives per-class AUC and macro / support-weighted means', () => {
    const r = oneVsRestRocAuc(scores, 3, targs);
    expect(r.perClass[0]).toBe(1);
    expect(r.perClass[1]).toBeCloseTo(11 / 12, 15);
    expect(r.perClass[2]).toBeCloseTo(2 / 3, 15);
    expect(r.macro).toBeCloseTo((1 + 11 / 12 + 2 / 3) / 3, 15);
    expect(r.weighted).toBeCloseTo((1 * 1 + 2 * (11 / 12) + 2 * (2 / 3)) / 5, 15);
  });

  it('gives NaN for a class with no items and leaves it out of the means', () => {
    const r = oneVsRestRocAuc(
      [0.9, 0.05, 0.05, 0.2, 0.7, 0.1, 0.6, 0.3, 0.1].map((v) => v),
      3,
      [0, 1, 0],
    );
    expect(r.perClass[2]).toBeNaN();
    expect(r.perClass[0]).toBe(1);
    expect(r.perClass[1]).toBe(1);
    expect(r.macro).toBe(1);
  });

  it('rejects bad targets and empty input', () => {
    expect(() => oneVsRestRocAuc(scores, 3, [0, 1, 2, 2, 3])).toThrow(InterpError);
    expect(() => oneVsRestRocAuc([], 3, [])).toThrow(/at least one item/);
  });
});
