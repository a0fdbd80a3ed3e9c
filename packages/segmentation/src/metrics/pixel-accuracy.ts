import type { ConfusionMatrixLike } from './confusion-counts.js';
import { asConfusionCounts } from './confusion-counts.js';

/**
 * The fraction of counted pixels whose prediction equals the target: `trace(cm) / sum(cm)`.
 * NaN when the matrix counts no pixels.
 *
 * @example
 * ```ts
 * pixelAccuracy([[3, 1], [0, 2]]); // 5 / 6
 * ```
 */
export function pixelAccuracy(cm: ConfusionMatrixLike): number {
  const { numClasses: c, counts } = asConfusionCounts(cm);
  let total = 0;
  let correct = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k]!;
  for (let t = 0; t < c; t++) correct += counts[t * c + t]!;
  return total === 0 ? Number.NaN : correct / total;
}
