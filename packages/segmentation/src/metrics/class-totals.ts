import type { ConfusionCounts } from './confusion-counts.js';

/** Per class: true positives, target pixels (row sums) and predicted pixels (column sums). */
export interface ClassTotals {
  truePositives: Float64Array;
  targetPixels: Float64Array;
  predictedPixels: Float64Array;
}

/** Row sums, column sums and diagonal of a confusion matrix; internal to the package. */
export function classTotals({ numClasses: c, counts }: ConfusionCounts): ClassTotals {
  const truePositives = new Float64Array(c);
  const targetPixels = new Float64Array(c);
  const predictedPixels = new Float64Array(c);
  for (let t = 0; t < c; t++) {
    for (let p = 0; p < c; p++) {
      const v = counts[t * c + p]!;
      targetPixels[t] = targetPixels[t]! + v;
      predictedPixels[p] = predictedPixels[p]! + v;
    }
    truePositives[t] = counts[t * c + t]!;
  }
  return { truePositives, targetPixels, predictedPixels };
}
