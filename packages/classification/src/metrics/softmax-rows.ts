import { InterpError } from '@interp/core/base';
import { checkScores } from './internal/validate.js';

/**
 * Softmax of each row of N x C row-major scores (logits to probabilities), computed in float64 with
 * the row maximum subtracted so large logits do not overflow; returns a new array of the input's
 * type. Non-finite scores throw.
 *
 * @example
 * ```ts
 * softmaxRows(Float64Array.of(0, Math.log(3)), 2); // Float64Array [0.25, 0.75]
 * ```
 */
export function softmaxRows<T extends Float32Array | Float64Array>(
  scores: T,
  numClasses: number,
): T {
  const n = checkScores(scores, numClasses);
  const c = numClasses;
  const out = new (scores.constructor as { new (length: number): T })(scores.length);
  const row = new Float64Array(c);
  for (let i = 0, off = 0; i < n; i++, off += c) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < c; j++) {
      const v = scores[off + j]!;
      if (!Number.isFinite(v)) {
        throw new InterpError(
          'NON_FINITE',
          `scores[${i}][${j}] is ${v}; softmax needs finite scores (check the model outputs)`,
        );
      }
      if (v > max) max = v;
    }
    let sum = 0;
    for (let j = 0; j < c; j++) {
      const e = Math.exp(scores[off + j]! - max);
      row[j] = e;
      sum += e;
    }
    for (let j = 0; j < c; j++) out[off + j] = row[j]! / sum;
  }
  return out;
}
