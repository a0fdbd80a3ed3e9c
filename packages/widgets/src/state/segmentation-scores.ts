import {
  type ConfusionMatrixLike,
  intersectionOverUnion,
  meanIoU,
  pixelAccuracy,
  pixelConfusionMatrix,
} from '@interp/segmentation/metrics';
import type { MaskedItems, MaskGeometry } from './mask-geometry.js';

/** Per-class IoU of one image and of the whole dataset, with their means and pixel accuracy. */
export interface SegmentationScores {
  /** IoU per class (NaN for a class absent from both target and prediction). */
  iou: Float64Array;
  /** Mean of the non-NaN IoUs. */
  meanIoU: number;
  pixelAccuracy: number;
}

/**
 * IoU per class, mean IoU and pixel accuracy of a pixel confusion matrix.
 *
 * @example
 * ```ts
 * scoresOf([[3, 1], [0, 4]]).meanIoU; // (3/4 + 4/5) / 2
 * ```
 */
export function scoresOf(cm: ConfusionMatrixLike): SegmentationScores {
  return { iou: intersectionOverUnion(cm), meanIoU: meanIoU(cm), pixelAccuracy: pixelAccuracy(cm) };
}

/**
 * The scores of image `index` alone (its target and predicted masks), ignored pixels left out.
 *
 * @example
 * ```ts
 * itemScores(interp, maskGeometry(interp), 0).pixelAccuracy;
 * ```
 */
export function itemScores(items: MaskedItems, g: MaskGeometry, index: number): SegmentationScores {
  const a = index * g.pixels;
  return scoresOf(
    pixelConfusionMatrix(
      items.targs.data.subarray(a, a + g.pixels),
      items.decoded.data.subarray(a, a + g.pixels),
      g.numClasses,
      { ignoreIndex: g.ignoreIndex },
    ),
  );
}
