import type { ConfusionMatrixLike } from './confusion-counts.js';
import { intersectionOverUnion } from './intersection-over-union.js';

/**
 * The mean of {@link intersectionOverUnion} over classes, skipping NaN (classes absent from both
 * target and prediction). NaN when every class is absent (an empty matrix).
 *
 * @example
 * ```ts
 * meanIoU([[3, 1, 0], [0, 2, 0], [0, 0, 0]]); // (0.75 + 2 / 3) / 2: class 2 is skipped
 * ```
 */
export function meanIoU(cm: ConfusionMatrixLike): number {
  const iou = intersectionOverUnion(cm);
  let sum = 0;
  let count = 0;
  for (const v of iou) {
    if (Number.isNaN(v)) continue;
    sum += v;
    count++;
  }
  return count === 0 ? Number.NaN : sum / count;
}
