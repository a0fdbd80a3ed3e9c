import { createRng, InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { confusionMatrix } from './confusionMatrix.js';
import { confusionMatrixFromScores } from './confusionMatrixFromScores.js';

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

  it('returns per-item cross-entropy -ln(max(p[target], 1e-12)) with withLosses', () => {
    const scores = Float64Array.of(0.5, 0.5, 0.25, 0.75, 1, 0, 0, 1);
    const { losses } = confusionMatrixFromScores(scores, 2, [0, 1, 1, 1], { withLosses: true });
    expect(losses).toBeInstanceOf(Float64Array);
    expect(losses![0]).toBeCloseTo(Math.LN2, 15);
    expect(losses![1]).toBeCloseTo(Math.log(4 / 3), 15);
    expect(losses![2]).toBeCloseTo(12 * Math.LN10, 12); // p = 0 clamped to 1e-12
    expect(losses![3]).toBe(0);
  });

  it('agrees with an independent argmax + count on random scores', () => {
    const rng = createRng(7);
    const n = 500;
    const c = 7;
    const scores = new Float32Array(n * c);
    for (let i = 0; i < scores.length; i++) scores[i] = Math.round(rng.random() * 8) / 8; // many ties
    const targs = Int32Array.from({ length: n }, () => rng.int(c));
    const preds = Array.from({ length: n }, (_, i) => {
      const row = Array.from(scores.subarray(i * c, (i + 1) * c));
      return row.indexOf(Math.max(...row)); // indexOf finds the first (lowest) maximum
    });
    const { matrix, decoded } = confusionMatrixFromScores(scores, c, targs);
    expect(Array.from(decoded)).toEqual(preds);
    expect(matrix).toEqual(confusionMatrix(targs, preds, c));
  });

  it('has the expected defaults (withLosses false)', () => {
    expect('losses' in confusionMatrixFromScores(Float32Array.of(1, 0), 2, [0])).toBe(false);
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
  });
});
