import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rocAuc } from './roc-auc.js';

const runs = { seed: 20261206, numRuns: 150 };

/** Scores on a coarse grid (so ties are common) with both positives and negatives. */
const scored = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.boolean()), { minLength: 2, maxLength: 80 })
  .filter((items) => items.some((x) => x[1]) && items.some((x) => !x[1]))
  .map((items) => items.map(([s, pos]) => [s / 10, pos ? 1 : 0] as [number, number]));

/** Mann-Whitney: the chance a random positive outscores a random negative, ties counting half. */
function mannWhitney(items: [number, number][]): number {
  const pos = items.filter((x) => x[1] === 1).map((x) => x[0]);
  const neg = items.filter((x) => x[1] === 0).map((x) => x[0]);
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

describe('rocAuc(scores, isPositive) properties', () => {
  it('equals the Mann-Whitney statistic (ties count half)', () => {
    fc.assert(
      fc.property(scored, (items) => {
        const auc = rocAuc(
          items.map((x) => x[0]),
          items.map((x) => x[1]),
        );
        expect(auc).toBeCloseTo(mannWhitney(items), 12);
      }),
      runs,
    );
  });

  it('does not change when the items are permuted', () => {
    fc.assert(
      fc.property(
        scored.chain((items) =>
          fc.tuple(fc.constant(items), fc.shuffledSubarray(items, { minLength: items.length })),
        ),
        ([items, shuffled]) => {
          const auc = (xs: [number, number][]) =>
            rocAuc(
              xs.map((x) => x[0]),
              xs.map((x) => x[1]),
            );
          expect(auc(shuffled)).toBeCloseTo(auc(items), 12);
        },
      ),
      runs,
    );
  });
});
