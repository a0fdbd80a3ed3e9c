import { classTotals } from './class-totals.js';
import type { ConfusionMatrixLike } from './confusion-counts.js';
import { asConfusionCounts } from './confusion-counts.js';

/**
 * Intersection over union averaged with each class weighted by its share of the target pixels:
 * `sum_c (targetPixels_c / totalPixels) * IoU_c`, skipping NaN classes (they have no target
 * pixels, so no weight). NaN when the matrix counts no pixels.
 *
 * @example
 * ```ts
 * frequencyWeightedIoU([[3, 1], [0, 2]]); // (4 / 6) * 0.75 + (2 / 6) * (2 / 3)
 * ```
 */
export function frequencyWeightedIoU(cm: ConfusionMatrixLike): number {
  const { truePositives, targetPixels, predictedPixels } = classTotals(asConfusionCounts(cm));
  let total = 0;
  for (const v of targetPixels) total += v;
  if (total === 0) return Number.NaN;
  let sum = 0;
  for (let k = 0; k < targetPixels.length; k++) {
    const union = targetPixels[k]! + predictedPixels[k]! - truePositives[k]!;
    if (targetPixels[k] === 0 || union === 0) continue;
    sum += (targetPixels[k]! / total) * (truePositives[k]! / union);
  }
  return sum;
}
