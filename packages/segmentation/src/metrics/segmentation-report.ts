import { classNames } from '@interp/core/base';
import type { ConfusionMatrixLike } from './confusion-counts.js';
import { asConfusionCounts } from './confusion-counts.js';
import { confusionCountsToArray } from './confusion-counts-to-array.js';
import { diceCoefficient } from './dice-coefficient.js';
import { frequencyWeightedIoU } from './frequency-weighted-iou.js';
import { intersectionOverUnion } from './intersection-over-union.js';
import { meanIoU } from './mean-iou.js';
import { perClassAccuracy } from './per-class-accuracy.js';
import { pixelAccuracy } from './pixel-accuracy.js';

/**
 * Every pixel metric of one confusion matrix, NaN where a class is absent; the keys (in this
 * order) are what `interp segmentation --json` prints.
 */
export interface SegmentationReport {
  vocab: string[];
  confusionMatrix: number[][];
  perClassAccuracy: number[];
  iou: number[];
  meanIoU: number;
  frequencyWeightedIoU: number;
  dice: number[];
  pixelAccuracy: number;
}

/**
 * The segmentation report of a pixel confusion matrix (rows target, columns predicted): per-class
 * accuracy, IoU and Dice, mean and frequency-weighted IoU and pixel accuracy. Class names are
 * `vocab` (one per class) or "0".."C-1". Pure: no tensors, no plotting; what both
 * `SegmentationInterpretation.segmentationReport()` and the CLI return.
 *
 * @example
 * ```ts
 * segmentationReport([[3, 1], [0, 4]], ['sky', 'road']).meanIoU; // (3/4 + 4/5) / 2 = 0.775
 * ```
 */
export function segmentationReport(
  cm: ConfusionMatrixLike,
  vocab?: readonly string[],
): SegmentationReport {
  const counts = asConfusionCounts(cm);
  return {
    vocab: classNames(vocab, counts.numClasses),
    confusionMatrix: confusionCountsToArray(counts),
    perClassAccuracy: Array.from(perClassAccuracy(counts)),
    iou: Array.from(intersectionOverUnion(counts)),
    meanIoU: meanIoU(counts),
    frequencyWeightedIoU: frequencyWeightedIoU(counts),
    dice: Array.from(diceCoefficient(counts)),
    pixelAccuracy: pixelAccuracy(counts),
  };
}
