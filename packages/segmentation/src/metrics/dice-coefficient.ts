import { classTotals } from './class-totals.js';
import type { ConfusionMatrixLike } from './confusion-counts.js';
import { asConfusionCounts } from './confusion-counts.js';

/**
 * Per class: the Dice coefficient (F1 score) of its target and predicted pixels,
 * `2 TP / (2 TP + FP + FN)`. NaN for a class absent from both target and prediction.
 *
 * @example
 * ```ts
 * diceCoefficient([[3, 1], [0, 2]]); // Float64Array [6 / 7, 0.8]
 * ```
 */
export function diceCoefficient(cm: ConfusionMatrixLike): Float64Array {
  const { truePositives, targetPixels, predictedPixels } = classTotals(asConfusionCounts(cm));
  const out = new Float64Array(truePositives.length);
  for (let k = 0; k < out.length; k++) {
    // 2 TP + FP + FN = target + predicted
    const both = targetPixels[k]! + predictedPixels[k]!;
    out[k] = both === 0 ? Number.NaN : (2 * truePositives[k]!) / both;
  }
  return out;
}
