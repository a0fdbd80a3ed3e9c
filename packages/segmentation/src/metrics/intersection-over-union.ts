import { classTotals } from './class-totals.js';
import type { ConfusionMatrixLike } from './confusion-counts.js';
import { asConfusionCounts } from './confusion-counts.js';

/**
 * Per class: intersection over union (Jaccard index) of its target and predicted pixels,
 * `TP / (TP + FP + FN)`. NaN for a class absent from both target and prediction; 0 for a class
 * only predicted or only in the target.
 *
 * @example
 * ```ts
 * intersectionOverUnion([[3, 1], [0, 2]]); // Float64Array [0.75, 2 / 3]
 * ```
 */
export function intersectionOverUnion(cm: ConfusionMatrixLike): Float64Array {
  const { truePositives, targetPixels, predictedPixels } = classTotals(asConfusionCounts(cm));
  const out = new Float64Array(truePositives.length);
  for (let k = 0; k < out.length; k++) {
    // TP + FP + FN = target + predicted - TP
    const union = targetPixels[k]! + predictedPixels[k]! - truePositives[k]!;
    out[k] = union === 0 ? Number.NaN : truePositives[k]! / union;
  }
  return out;
}
