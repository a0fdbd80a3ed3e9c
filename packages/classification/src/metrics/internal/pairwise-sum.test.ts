import { describe, expect, it } from 'vitest';
import { npSum, pairwiseSum } from './pairwise-sum.js';

describe("pairwiseSum(values): NumPy's summation order", () => {
  it('adds fewer than 8 values in sequence', () => {
    expect(pairwiseSum([0.1, 0.2, 0.3])).toBe(0.1 + 0.2 + 0.3);
  });

  it('uses 8 interleaved partial sums for 8..128 values', () => {
    const a = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1e-17];
    const expected = 0.1 + 0.2 + (0.3 + 0.4) + (0.5 + 0.6 + (0.7 + 0.8)) + 0.9 + 1e-17;
    expect(pairwiseSum(a)).toBe(expected);
  });

  it('splits longer runs in halves at multiples of 8', () => {
    const a = Array.from({ length: 300 }, (_, i) => 1 / (i + 1));
    // n = 300 splits into 144 + 156, then 72 + 72 and 72 + 84 (blocks of at most 128).
    expect(pairwiseSum(a)).toBe(
      pairwiseSum(a, 0, 72) +
        pairwiseSum(a, 72, 72) +
        (pairwiseSum(a, 144, 72) + pairwiseSum(a, 216, 84)),
    );
    // np.sum(1 / np.arange(1, 301)) with NumPy 2.4
    expect(npSum(a)).toBe(6.282663880299504);
  });
});
