import type { ConfusionMatrixLike } from './confusion-counts.js';
import { asConfusionCounts } from './confusion-counts.js';

/**
 * Per class: the fraction of its target pixels predicted as it (recall), `cm[c][c] / sum(cm[c])`.
 * NaN for a class with no target pixels, even when it is predicted somewhere.
 *
 * @example
 * ```ts
 * perClassAccuracy([[3, 1], [0, 2]]); // Float64Array [0.75, 1]
 * ```
 */
export function perClassAccuracy(cm: ConfusionMatrixLike): Float64Array {
  const { numClasses: c, counts } = asConfusionCounts(cm);
  const out = new Float64Array(c);
  for (let t = 0; t < c; t++) {
    let total = 0;
    for (let p = 0; p < c; p++) total += counts[t * c + p]!;
    out[t] = total === 0 ? Number.NaN : counts[t * c + t]! / total;
  }
  return out;
}
