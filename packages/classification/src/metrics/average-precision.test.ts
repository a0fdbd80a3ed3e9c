import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { averagePrecision } from './average-precision.js';

describe('averagePrecision(scoresOfClass, isPositive)', () => {
  it("matches scikit-learn's docstring example (0.8333...)", () => {
    // Precision [0.5, 2/3, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0]: -Σ Δrecall · precision.
    const expected = -(0 * 0.5 + -0.5 * (2 / 3) + 0 * 0.5 + -0.5 * 1);
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(expected);
    expect(expected).toBeCloseTo(0.8333333333333333, 15);
  });

  it('is 1 for a perfect ranking and 0 without positives', () => {
    expect(averagePrecision([0.9, 0.8, 0.1], [1, 1, 0])).toBe(1);
    expect(averagePrecision([0.9, 0.8], [0, 0])).toBe(0);
    expect(Object.is(averagePrecision([0.9, 0.8], [0, 0]), 0)).toBe(true);
  });

  it('rejects mismatched lengths', () => {
    expect(() => averagePrecision([0.1, 0.2], [1])).toThrow(InterpError);
  });
});
