import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { cohenKappa } from './cohen-kappa.js';

// y1 = [0, 1, 2, 2], y2 = [0, 2, 2, 1]: confusion [[1,0,0],[0,0,1],[0,1,1]], row and column
// sums [1, 1, 2], expected[i][j] = colsum[i] * rowsum[j] / 4.
const y1 = [0, 1, 2, 2];
const y2 = [0, 2, 2, 1];

describe('cohenKappa(y1, y2, numClasses, { weights })', () => {
  it("matches scikit-learn's docstring example (0.6875)", () => {
    // negative = 0, neutral = 1, positive = 2
    expect(cohenKappa([0, 2, 0, 1, 2], [0, 2, 0, 1, 0], 3)).toBe(0.6875);
  });

  it('weights disagreements by class distance (hand-worked)', () => {
    // Unweighted: observed disagreement 2, expected 4 - (1/4 + 1/4 + 1) = 2.5.
    expect(cohenKappa(y1, y2, 3)).toBe(1 - 2 / 2.5);
    // Linear |i - j|: observed 1 + 1 = 2; expected 1/4 + 2·2/4 + 1/4 + 2/4 + 2·2/4 + 2/4 = 3.5.
    expect(cohenKappa(y1, y2, 3, { weights: 'linear' })).toBe(1 - 2 / 3.5);
    // Quadratic (i - j)²: observed 2; expected 1/4 + 4·2/4 + 1/4 + 2/4 + 4·2/4 + 2/4 = 5.5.
    expect(cohenKappa(y1, y2, 3, { weights: 'quadratic' })).toBe(1 - 2 / 5.5);
  });

  it('is 1 for perfect agreement and NaN when undefined (one class only)', () => {
    expect(cohenKappa([0, 1, 2], [0, 1, 2], 3)).toBe(1);
    expect(cohenKappa([1, 1, 1], [1, 1, 1], 3)).toBeNaN();
  });

  it('rejects bad labels, lengths, weights and empty input', () => {
    expect(() => cohenKappa([0, 3], [0, 1], 3)).toThrow(InterpError);
    expect(() => cohenKappa([0, 3], [0, 1], 3)).toThrow(/targs\[1\] = 3/);
    expect(() => cohenKappa([0], [0, 1], 3)).toThrow(/lengths differ/);
    // biome-ignore lint/suspicious/noExplicitAny: testing a wrong option
    expect(() => cohenKappa(y1, y2, 3, { weights: 'cubic' as any })).toThrow(
      /invalid weights: "cubic"/,
    );
    expect(() => cohenKappa([], [], 3)).toThrow(/at least one item/);
  });
});
