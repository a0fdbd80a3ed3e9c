import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './confusion-matrix.js';

const runs = { seed: 20261204, numRuns: 150 };

/** numClasses and N (target, predicted) label pairs in 0..numClasses-1. */
const labelled = fc.integer({ min: 1, max: 6 }).chain((c) =>
  fc.record({
    c: fc.constant(c),
    pairs: fc.array(fc.tuple(fc.nat(c - 1), fc.nat(c - 1)), { maxLength: 120 }),
  }),
);

const split = (pairs: [number, number][]) => ({
  targs: pairs.map((p) => p[0]),
  preds: pairs.map((p) => p[1]),
});

describe('confusionMatrix(targs, preds, numClasses, { sliceSize }) properties', () => {
  it('sums to N; row t sums to the count of target t, column p to the count of prediction p', () => {
    fc.assert(
      fc.property(labelled, ({ c, pairs }) => {
        const { targs, preds } = split(pairs);
        const m = confusionMatrix(targs, preds, c);
        expect(m.flat().reduce((a, v) => a + v, 0)).toBe(pairs.length);
        for (let k = 0; k < c; k++) {
          expect(m[k]!.reduce((a, v) => a + v, 0)).toBe(targs.filter((t) => t === k).length);
          expect(m.reduce((a, row) => a + row[k]!, 0)).toBe(preds.filter((p) => p === k).length);
        }
      }),
      runs,
    );
  });

  it('is the same for any slice size (streamed = in-memory)', () => {
    fc.assert(
      fc.property(labelled, fc.integer({ min: 1, max: 130 }), ({ c, pairs }, sliceSize) => {
        const { targs, preds } = split(pairs);
        const whole = confusionMatrix(targs, preds, c, { sliceSize: null });
        expect(confusionMatrix(targs, preds, c, { sliceSize })).toEqual(whole);
      }),
      runs,
    );
  });

  it('does not change when the items are permuted', () => {
    fc.assert(
      fc.property(
        labelled.chain(({ c, pairs }) =>
          fc.record({
            c: fc.constant(c),
            pairs: fc.constant(pairs),
            shuffled: fc.shuffledSubarray(pairs, { minLength: pairs.length }),
          }),
        ),
        ({ c, pairs, shuffled }) => {
          const a = split(pairs);
          const b = split(shuffled);
          expect(confusionMatrix(b.targs, b.preds, c)).toEqual(
            confusionMatrix(a.targs, a.preds, c),
          );
        },
      ),
      runs,
    );
  });
});
