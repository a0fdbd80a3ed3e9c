import { InterpError } from '@interp/core/base';
import { assertInteger, describe } from '@interp/core/internal';
import type { ConfusionCounts } from './confusion-counts.js';
import { countsFor, MAX_CLASSES } from './confusion-counts.js';
import { countScores } from './confusion-kernel.js';
import type { PixelConfusionOptions } from './pixel-confusion-matrix.js';
import { checkLabelArray } from './pixel-confusion-matrix.js';

/** Options of {@link pixelConfusionMatrixFromScores}. */
export interface PixelConfusionFromScoresOptions extends PixelConfusionOptions {
  /**
   * Pixels per pass of the WASM kernel, which copies one pass of scores and targets into its own
   * memory: the scratch is `sliceSize * (numClasses * 4 + 4)` bytes for float32 scores (float64:
   * `* 8`). By default as many pixels as fit in 4 MiB. The result does not depend on it.
   */
  sliceSize?: number;
}

/**
 * The pixel confusion matrix of model scores against target labels, in one pass: each pixel's
 * prediction is the argmax over its `numClasses` channels (channels last, so `scores` is N x H x W x C
 * flattened; ties go to the lower class), counted against its target. Runs a WASM SIMD kernel
 * where available. Pixels whose target is `ignoreIndex` count nowhere. Pass `into` to stream a
 * large set in slices (items or pixel ranges): memory stays bounded by one slice, and the result
 * equals counting everything at once.
 *
 * A NaN score throws NON_FINITE, a target outside 0..numClasses-1 (other than `ignoreIndex`)
 * throws LABEL_OUT_OF_RANGE, naming the first such pixel; `into` is then left unchanged.
 *
 * @example
 * ```ts
 * // 3 pixels, 2 classes: predictions 1, 0, 0 (the tie goes to class 0)
 * const scores = new Float32Array([0.2, 0.8, 0.9, 0.1, 0.5, 0.5]);
 * const cm = pixelConfusionMatrixFromScores(scores, 2, new Uint8Array([1, 0, 1]));
 * confusionCountsToArray(cm); // [[1, 0], [1, 1]]
 * ```
 */
export function pixelConfusionMatrixFromScores(
  scores: Float32Array | Float64Array,
  numClasses: number,
  targs: ArrayLike<number>,
  { ignoreIndex, into, sliceSize }: PixelConfusionFromScoresOptions = {},
): ConfusionCounts {
  if (!(scores instanceof Float32Array || scores instanceof Float64Array)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `scores must be a Float32Array or Float64Array (channels last), got ${describe(scores)}; for predicted labels use pixelConfusionMatrix`,
    );
  }
  const c = assertInteger(numClasses, 'numClasses', 1, MAX_CLASSES);
  if (ignoreIndex !== undefined) assertInteger(ignoreIndex, 'ignoreIndex');
  if (sliceSize !== undefined) assertInteger(sliceSize, 'sliceSize', 1);
  checkLabelArray(targs, 'targs');
  if (scores.length % c !== 0) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `scores has ${scores.length} values, not a multiple of numClasses ${c}; pass N x H x W x C scores with C = numClasses last`,
    );
  }
  const pixels = scores.length / c;
  if (targs.length !== pixels) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `targs has ${targs.length} pixels but scores have ${pixels} (${scores.length} values / ${c} classes); pass one target per pixel`,
    );
  }
  const cm = countsFor(c, into);
  countScores(scores, c, targs, ignoreIndex, cm.counts, sliceSize);
  return cm;
}
