import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { topKAccuracy } from './top-k-accuracy.js';

describe('topKAccuracy(scores, numClasses, targs, k, { ties })', () => {
  it('k = 1 is the argmax accuracy, ties to the lower index', () => {
    // argmax (lower index on ties): 0, 1, 2, 2, 0 -> correct for items 0, 1, 2 = 3 of 5.
    expect(topKAccuracy(tied, 3, targs, 1)).toBe(0.6);
  });

  it("matches scikit-learn's docstring example (0.75)", () => {
    const scores = [0.5, 0.2, 0.2, 0.3, 0.4, 0.2, 0.2, 0.4, 0.3, 0.7, 0.2, 0.1];
    expect(topKAccuracy(scores, 3, [0, 1, 2, 2], 2)).toBe(0.75);
  });

  const tied = Float64Array.of(
    0.6,
    0.3,
    0.1, // t 0: hit
    0.2,
    0.5,
    0.3, // t 1: hit
    0.3,
    0.3,
    0.4, // t 2: hit
    0.1,
    0.1,
    0.8, // t 0: tie with class 1 for second place
    0.4,
    0.4,
    0.2, // t 1: hit either way
  );
  const targs = [0, 1, 2, 0, 1];

  it('breaks ties to the lower index by default, to the higher with ties: "higher" (scikit-learn)', () => {
    expect(topKAccuracy(tied, 3, targs, 2)).toBe(1);
    // scikit-learn 1.5 gives 0.8 here: labels with the highest indices are chosen first.
    expect(topKAccuracy(tied, 3, targs, 2, { ties: 'higher' })).toBe(0.8);
  });

  it('gives 1 when k >= numClasses', () => {
    expect(topKAccuracy(tied, 3, targs, 3)).toBe(1);
    expect(topKAccuracy(tied, 3, targs, 10)).toBe(1);
  });

  it('rejects bad k, labels, NaN and an unknown ties option', () => {
    expect(() => topKAccuracy(tied, 3, targs, 0)).toThrow(InterpError);
    expect(() => topKAccuracy(tied, 3, targs, 0)).toThrow(/k must be >= 1/);
    expect(() => topKAccuracy(tied, 3, [0, 1, 2, 0, 3], 1)).toThrow(/targs\[4\] = 3/);
    expect(() => topKAccuracy(tied, 3, [0, 1], 1)).toThrow(
      /targs has 2 items but the scores have 5 rows/,
    );
    expect(() => topKAccuracy([Number.NaN, 1], 2, [1], 1)).toThrow(/scores\[0\]\[0\] is NaN/);
    // biome-ignore lint/suspicious/noExplicitAny: testing a wrong option
    expect(() => topKAccuracy(tied, 3, targs, 1, { ties: 'first' as any })).toThrow(
      /invalid ties: "first"/,
    );
  });
});
