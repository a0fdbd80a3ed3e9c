import { InterpError } from '@interp/core/base';

/**
 * The logistic function `1 / (1 + e^-x)` of every score, as a new array of the input's type
 * (for multi-label logits). NaN throws; ±Infinity gives 1 or 0.
 *
 * @example
 * ```ts
 * sigmoid(Float64Array.of(0, Math.log(3))); // Float64Array [0.5, 0.75]
 * ```
 */
export function sigmoid<T extends Float32Array | Float64Array>(scores: T): T {
  if (!(scores instanceof Float32Array || scores instanceof Float64Array)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      'sigmoid takes a Float32Array or Float64Array of scores',
    );
  }
  const out = new (scores.constructor as { new (length: number): T })(scores.length);
  for (let i = 0; i < scores.length; i++) {
    const x = scores[i]!;
    if (Number.isNaN(x)) {
      throw new InterpError(
        'NON_FINITE',
        `scores[${i}] is NaN; sigmoid needs numbers (check the model outputs)`,
      );
    }
    // Two branches so neither exp overflows to a NaN-producing Infinity / Infinity.
    out[i] = x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }
  return out;
}
