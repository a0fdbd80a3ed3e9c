import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { rocAuc } from './roc-auc.js';

describe('rocAuc(scoresOfClass, isPositive)', () => {
  it("matches scikit-learn's roc_auc_score docstring-style example (0.75)", () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('equals the probability a positive outscores a negative (ties count half)', () => {
    // Positives 0.4, 0.6 vs negatives 0.2, 0.3, 0.4: wins 2 + 0.5 (tie) + 3 = 5.5 of 6 pairs.
    expect(rocAuc([0.4, 0.6, 0.2, 0.3, 0.4], [1, 1, 0, 0, 0])).toBeCloseTo(5.5 / 6, 15);
    expect(rocAuc([0.9, 0.1], [1, 0])).toBe(1);
    expect(rocAuc([0.9, 0.1], [0, 1])).toBe(0);
  });

  it('rejects a single class, which leaves the AUC undefined', () => {
    expect(() => rocAuc([0.1, 0.2], [1, 1])).toThrow(InterpError);
    expect(() => rocAuc([0.1, 0.2], [0, 0])).toThrow(
      /both positive and negative items, got 0 positives of 2/,
    );
  });
});
