import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { auc } from './auc.js';

describe('auc(x, y)', () => {
  it("integrates by trapezoids (scikit-learn's docstring example: 0.75)", () => {
    expect(auc([0, 0, 0.5, 0.5, 1], [0, 0.5, 0.5, 1, 1])).toBe(0.75);
    expect(auc([0, 1, 3], [1, 1, 2])).toBe(1 + 3);
  });

  it('accepts decreasing x with the same area', () => {
    expect(auc([1, 0.5, 0.5, 0, 0], [1, 1, 0.5, 0.5, 0])).toBe(0.75);
  });

  it('rejects unsorted x, too few points and mismatched lengths', () => {
    expect(() => auc([0, 1, 0.5], [0, 1, 1])).toThrow(InterpError);
    expect(() => auc([0, 1, 0.5], [0, 1, 1])).toThrow(/neither increasing nor decreasing/);
    expect(() => auc([0], [0])).toThrow(/at least 2 points/);
    expect(() => auc([0, 1], [0])).toThrow(/x has 2 points but y has 1/);
  });
});
