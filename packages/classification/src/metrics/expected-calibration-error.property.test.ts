import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectedCalibrationError } from './expected-calibration-error.js';

const runs = { seed: 20261207, numRuns: 150 };

/** N items of C-class probabilities (positive weights normalized) with a target each. */
const predictions = fc.integer({ min: 2, max: 5 }).chain((c) =>
  fc
    .array(
      fc.tuple(
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: c, maxLength: c }),
        fc.nat(c - 1),
      ),
      { minLength: 1, maxLength: 60 },
    )
    .chain((items) =>
      fc.record({
        c: fc.constant(c),
        items: fc.constant(items),
        shuffled: fc.shuffledSubarray(items, { minLength: items.length }),
        nBins: fc.integer({ min: 1, max: 20 }),
      }),
    ),
);

function ece(c: number, items: [number[], number][], nBins: number) {
  const probs = Float64Array.from(
    items.flatMap(([w]) => {
      const s = w.reduce((a, v) => a + v, 0);
      return w.map((v) => v / s);
    }),
  );
  return expectedCalibrationError(
    probs,
    c,
    items.map((x) => x[1]),
    { nBins },
  );
}

describe('expectedCalibrationError(scores, numClasses, targs, { nBins }) properties', () => {
  it('does not change when the items are permuted; bins count every item; ECE in [0, 1]', () => {
    fc.assert(
      fc.property(predictions, ({ c, items, shuffled, nBins }) => {
        const a = ece(c, items, nBins);
        const b = ece(c, shuffled, nBins);
        expect(b.ece).toBeCloseTo(a.ece, 12);
        expect(Array.from(b.counts)).toEqual(Array.from(a.counts));
        expect(Array.from(a.counts).reduce((x, v) => x + v, 0)).toBe(items.length);
        expect(a.ece).toBeGreaterThanOrEqual(0);
        expect(a.ece).toBeLessThanOrEqual(1);
      }),
      runs,
    );
  });
});
