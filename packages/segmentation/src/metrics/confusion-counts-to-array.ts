import type { ConfusionMatrixLike } from './confusion-counts.js';
import { asConfusionCounts } from './confusion-counts.js';

/**
 * The matrix as nested arrays, `rows[target][predicted]`, for JSON and reports.
 *
 * @example
 * ```ts
 * confusionCountsToArray(pixelConfusionMatrix([0, 1], [1, 1], 2)); // [[0, 1], [0, 1]]
 * ```
 */
export function confusionCountsToArray(cm: ConfusionMatrixLike): number[][] {
  const { numClasses: c, counts } = asConfusionCounts(cm);
  const rows: number[][] = [];
  for (let t = 0; t < c; t++) rows.push(Array.from(counts.subarray(t * c, (t + 1) * c)));
  return rows;
}
