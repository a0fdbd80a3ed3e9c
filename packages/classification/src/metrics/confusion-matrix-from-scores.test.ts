import { createRng, InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './confusion-matrix.js';
import { confusionMatrixFromScores } from './confusion-matrix-from-scores.js';

describe('confusionMatrixFromScores(scores, numClasses, targs, { withLosses })', () => {
  it('decodes by argmax with ties to the lower index and counts in one pass', () => {
    const scores = Float32Array.of(
      0.5,
      0.5,
      0.0, // tie 0/1 -> 0
      0.2,
      0.4,
      0.4, // tie 1/2 -> 1
      0.1,
      0.2,
      0.7, // -> 2
      0.3,
      0.3,
      0.3, // three-way tie -> 0
    );
    const { matrix, decoded, losses } = confusionMatrixFromScores(scores, 3, [1, 1, 0, 0]);
    expect(Array.from(decoded)).toEqual([0, 1, 2, 0]);
    expect(matrix).toEqual([
      [1, 0, 1],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    expect(losses).toBeUndefined();
  });

  it('decodes float32 (bit-pattern path) exactly as float64: signs, -0, infinities, denormals', () => {
    const all = [0, -0, 1, -1, 0.5, 0.25, 1e-45, -1e-45, 3.4e38, -3.4e38, Infinity, -Infinity];
    const nonNegative = [0, 1, 0.5, 0.25, 1e-45, 3.4e38, Infinity]; // the branch-free rows
    const rng = createRng(11);
    const n = 2000;
    for (const specials of [all, nonNegative]) {
      for (const c of [1, 2, 3, 10]) {
        const f32 = new Float32Array(n * c);
        for (let i = 0; i < f32.length; i++) {
          f32[i] = rng.random() < 0.7 ? specials[rng.int(specials.length)]! : rng.random();
        }
        const targs = Int32Array.from({ length: n }, () => rng.int(c));
        // Reference: the first index that no later value exceeds (-0 and +0 equal).
        const ref = Array.from({ length: n }, (_, i) => {
          let at = 0;
          for (let j = 1; j < c; j++) if (f32[i * c + j]! > f32[i * c + at]!) at = j;
          return at;
        });
        expect(Array.from(confusionMatrixFromScores(f32, c, targs).decoded)).toEqual(ref);
        const f64 = Float64Array.from(f32);
        expect(Array.from(confusionMatrixFromScores(f64, c, targs).decoded)).toEqual(ref);
      }
    }
  });

  it('finds NaN of either sign in float32 scores', () => {
    const f32 = Float32Array.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6);
    const bits = new Int32Array(f32.buffer);
    bits[4] = 0x7fc00000; // NaN
    expect(() => confusionMatrixFromScores(f32, 3, [0, 0])).toThrow(/scores\[1\]\[1\] is NaN/);
    bits[4] = 0xffc00000 | 0; // NaN with the sign bit set (x86's default NaN)
    expect(() => confusionMatrixFromScores(f32, 3, [0, 0])).toThrow(/scores\[1\]\[1\] is NaN/);
  });

  it('returns per-item cross-entropy -ln(max(p[target], 1e-12)) with withLosses', () => {
    const scores = Float64Array.of(0.5, 0.5, 0.25, 0.75, 1, 0, 0, 1);
    const { losses } = confusionMatrixFromScores(scores, 2, [0, 1, 1, 1], { withLosses: true });
    expect(losses).toBeInstanceOf(Float64Array);
    expect(losses![0]).toBeCloseTo(Math.LN2, 15);
    expect(losses![1]).toBeCloseTo(Math.log(4 / 3), 15);
    expect(losses![2]).toBeCloseTo(12 * Math.LN10, 12); // p = 0 clamped to 1e-12
    expect(losses![3]).toBe(0);
  });

  it.each([500, 501])(
    'agrees with an independent argmax + count on random scores (n = %i)',
    (n) => {
      // Rows are processed in pairs: an odd n also runs the single last row; negative rows take the
      // sign fallback in either position of a pair.
      const rng = createRng(7);
      const c = 7;
      const scores = new Float32Array(n * c);
      for (let i = 0; i < scores.length; i++) scores[i] = Math.round(rng.random() * 8) / 8; // many ties
      for (const row of [3, 10, n - 1]) {
        for (let j = 0; j < c; j++) scores[row * c + j] = -scores[row * c + j]! - 0.5;
      }
      const targs = Int32Array.from({ length: n }, () => rng.int(c));
      const preds = Array.from({ length: n }, (_, i) => {
        const row = Array.from(scores.subarray(i * c, (i + 1) * c));
        return row.indexOf(Math.max(...row)); // indexOf finds the first (lowest) maximum
      });
      const { matrix, decoded } = confusionMatrixFromScores(scores, c, targs);
      expect(Array.from(decoded)).toEqual(preds);
      expect(matrix).toEqual(confusionMatrix(targs, preds, c));
    },
  );

  it('returns the top losses, largest first, ties to the lower index, without every log', () => {
    // Independent reference: every loss, sorted by (loss desc, index asc).
    const reference = (
      scores: Float32Array | Float64Array,
      c: number,
      targs: ArrayLike<number>,
      k: number,
    ) =>
      Array.from(targs, (t, i) => ({ i, loss: -Math.log(Math.max(scores[i * c + t]!, 1e-12)) }))
        .sort((a, b) => b.loss - a.loss || a.i - b.i)
        .slice(0, k);
    const rng = createRng(3);
    const n = 5000;
    const cases: [string, (i: number) => number][] = [
      ['random', () => rng.random()],
      ['coarse (many ties)', () => Math.round(rng.random() * 4) / 4],
      ['decreasing', (i) => 1 - i / n],
      ['all zero (clamped ties)', () => 0],
    ];
    for (const [, value] of cases) {
      const scores = new Float64Array(n * 2);
      const targs = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        scores[2 * i] = value(i);
        scores[2 * i + 1] = 0.5;
      }
      // Float32 scores take the branch-free pass, float64 the other.
      for (const typed of [scores, Float32Array.from(scores)]) {
        for (const k of [1, 10, 300]) {
          const { topLosses } = confusionMatrixFromScores(typed, 2, targs, { topLosses: k });
          const ref = reference(typed, 2, targs, k);
          expect(Array.from(topLosses!.indices)).toEqual(ref.map((r) => r.i));
          expect(Array.from(topLosses!.losses)).toEqual(ref.map((r) => r.loss));
        }
      }
    }
  });

  it('ranks by the loss, not the probability, when distinct probabilities round to one loss', () => {
    // -ln(0.01) === -ln(0.010000000000000002) in float64: a tie, so the lower index comes first.
    const p0 = 0.010000000000000002;
    expect(-Math.log(p0)).toBe(-Math.log(0.01));
    const scores = Float64Array.of(p0, 0.99, 0.01, 0.99, 0.5, 0.5);
    const { topLosses } = confusionMatrixFromScores(scores, 2, [0, 0, 0], { topLosses: 1 });
    expect(Array.from(topLosses!.indices)).toEqual([0]);
    // The same tie across a pruning of the candidates: item 5 (p0) must survive once more than
    // 1024 later items at 0.01 lower the threshold.
    const n = 3200;
    const big = new Float64Array(n * 2).fill(0.5);
    big[2 * 5] = p0;
    for (let i = 2000; i < n; i++) big[2 * i] = 0.01;
    const r = confusionMatrixFromScores(big, 2, new Int32Array(n), { topLosses: 2 });
    expect(Array.from(r.topLosses!.indices)).toEqual([5, 2000]);
  });

  it('rejects NaN scores, bad targets and shapes with the position', () => {
    const nanAt = Float32Array.of(0.1, 0.9, 0.2, Number.NaN);
    expect(() => confusionMatrixFromScores(nanAt, 2, [0, 1])).toThrow(InterpError);
    expect(() => confusionMatrixFromScores(nanAt, 2, [0, 1])).toThrow(/scores\[1\]\[1\] is NaN/);
    const nanFirst = Float32Array.of(Number.NaN, 0.9);
    expect(() => confusionMatrixFromScores(nanFirst, 2, [0])).toThrow(/scores\[0\]\[0\] is NaN/);
    const ok = Float32Array.of(0.1, 0.9, 0.2, 0.8);
    expect(() => confusionMatrixFromScores(ok, 2, [0, 2])).toThrow(
      /targs\[1\] = 2 is not a class index in 0\.\.1/,
    );
    expect(() => confusionMatrixFromScores(ok, 2, [0])).toThrow(
      /targs has 1 items but scores has 2 rows/,
    );
    expect(() => confusionMatrixFromScores(ok, 3, [0])).toThrow(/not a multiple of numClasses = 3/);
    expect(() => confusionMatrixFromScores(ok, 2, [0, 1], { topLosses: 3 })).toThrow(
      /topLosses must be in \[0, 2\]/,
    );
  });
});
