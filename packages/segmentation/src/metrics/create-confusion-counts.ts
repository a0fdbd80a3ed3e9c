import { assertInteger } from '@interp/core/internal';
import type { ConfusionCounts } from './confusion-counts.js';
import { MAX_CLASSES } from './confusion-counts.js';

/**
 * A zeroed C x C {@link ConfusionCounts}, to pass as `into` when counting in several calls.
 *
 * @example
 * ```ts
 * const cm = createConfusionCounts(3);
 * for (const slice of slices) pixelConfusionMatrix(slice.targs, slice.preds, 3, { into: cm });
 * ```
 */
export function createConfusionCounts(numClasses: number): ConfusionCounts {
  assertInteger(numClasses, 'numClasses', 1, MAX_CLASSES);
  return { numClasses, counts: new Float64Array(numClasses * numClasses) };
}
