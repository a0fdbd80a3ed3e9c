import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConfusionCounts } from './create-confusion-counts.js';
import { pixelConfusionMatrix } from './pixel-confusion-matrix.js';
import { pixelConfusionMatrixFromScores } from './pixel-confusion-matrix-from-scores.js';

const runs = { seed: 20261208, numRuns: 100 };
const IGNORE = 255;

/**
 * C classes, P pixels of scores on a coarse grid (ties common) with targets (some IGNORE), and
 * cut points splitting the pixels into consecutive slices.
 */
const pixels = fc.integer({ min: 1, max: 6 }).chain((c) =>
  fc.integer({ min: 0, max: 300 }).chain((p) =>
    fc.record({
      c: fc.constant(c),
      scores: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: p * c, maxLength: p * c }),
      targs: fc.array(fc.oneof(fc.nat(c - 1), fc.constant(IGNORE)), { minLength: p, maxLength: p }),
      cuts: fc.uniqueArray(fc.nat(p), { maxLength: 6 }),
      sliceSize: fc.integer({ min: 1, max: 310 }),
    }),
  ),
);

/** Argmax over each pixel's channels, ties to the lower class, written out here. */
function argmax(scores: ArrayLike<number>, c: number): Uint8Array {
  const out = new Uint8Array(scores.length / c);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let k = 1; k < c; k++) if (scores[i * c + k]! > scores[i * c + best]!) best = k;
    out[i] = best;
  }
  return out;
}

/** Consecutive [from, to) pixel ranges between the sorted cut points. */
function ranges(p: number, cuts: number[]): [number, number][] {
  const points = [0, ...[...cuts].sort((a, b) => a - b), p];
  return points.slice(1).map((to, i) => [points[i]!, to]);
}

describe('pixelConfusionMatrix / pixelConfusionMatrixFromScores properties', () => {
  it('sums to the pixels not ignored, and from scores equals from their argmax labels', () => {
    fc.assert(
      fc.property(pixels, ({ c, scores, targs }) => {
        const s = Float32Array.from(scores);
        const t = Uint8Array.from(targs);
        const fromScores = pixelConfusionMatrixFromScores(s, c, t, { ignoreIndex: IGNORE });
        const fromLabels = pixelConfusionMatrix(t, argmax(s, c), c, { ignoreIndex: IGNORE });
        expect(Array.from(fromScores.counts)).toEqual(Array.from(fromLabels.counts));
        const counted = targs.filter((x) => x !== IGNORE).length;
        expect(fromLabels.counts.reduce((a, v) => a + v, 0)).toBe(counted);
      }),
      runs,
    );
  });

  it('streamed in any slices (into, sliceSize) equals counted at once', () => {
    fc.assert(
      fc.property(pixels, ({ c, scores, targs, cuts, sliceSize }) => {
        const s = Float32Array.from(scores);
        const t = Uint8Array.from(targs);
        const preds = argmax(s, c);
        const opts = { ignoreIndex: IGNORE };
        const whole = Array.from(pixelConfusionMatrix(t, preds, c, opts).counts);
        const labels = createConfusionCounts(c);
        const fromScores = createConfusionCounts(c);
        for (const [from, to] of ranges(t.length, cuts)) {
          pixelConfusionMatrix(t.subarray(from, to), preds.subarray(from, to), c, {
            ...opts,
            into: labels,
          });
          pixelConfusionMatrixFromScores(s.subarray(from * c, to * c), c, t.subarray(from, to), {
            ...opts,
            into: fromScores,
            sliceSize,
          });
        }
        expect(Array.from(labels.counts)).toEqual(whole);
        expect(Array.from(fromScores.counts)).toEqual(whole);
        expect(
          Array.from(pixelConfusionMatrixFromScores(s, c, t, { ...opts, sliceSize }).counts),
        ).toEqual(whole);
      }),
      runs,
    );
  });

  it('does not change when the pixels are permuted', () => {
    fc.assert(
      fc.property(
        pixels.chain(({ c, scores, targs }) => {
          const items = targs.map((t, i) => ({ t, s: scores.slice(i * c, (i + 1) * c) }));
          return fc.record({
            c: fc.constant(c),
            items: fc.constant(items),
            shuffled: fc.shuffledSubarray(items, { minLength: items.length }),
          });
        }),
        ({ c, items, shuffled }) => {
          const count = (xs: { t: number; s: number[] }[]) =>
            Array.from(
              pixelConfusionMatrixFromScores(
                Float32Array.from(xs.flatMap((x) => x.s)),
                c,
                Uint8Array.from(xs.map((x) => x.t)),
                { ignoreIndex: IGNORE },
              ).counts,
            );
          expect(count(shuffled)).toEqual(count(items));
        },
      ),
      runs,
    );
  });
});
