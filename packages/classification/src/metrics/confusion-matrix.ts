import { assertInteger, assertSameLength } from '@interp/core/internal';
import { badLabel, toRows } from './internal/matrix.js';

/** Options of {@link confusionMatrix}. */
export interface ConfusionMatrixOptions {
  /**
   * Items counted per slice (fastai's `slice_size`), or `null` for one slice. Counting into a
   * C x C table needs no temporaries, so memory is O(C²) whatever the slice size and the result
   * never depends on it; slices only bound how many items are validated and counted between
   * checks, which keeps fastai code that passes `sliceSize` working unchanged.
   */
  sliceSize?: number | null;
}

/** confusionMatrix defaults, written once. */
export const confusionMatrixDefaults = Object.freeze({ sliceSize: 1 } as const);

/**
 * The confusion matrix of predicted labels against actual labels: `matrix[actual][predicted]`
 * counts the items of class `actual` predicted as `predicted` (scikit-learn's and fastai's layout).
 * Every label must be an integer in `0..numClasses-1`.
 *
 * @example
 * ```ts
 * confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], 3);
 * // [[2, 0, 0], [0, 0, 1], [1, 0, 2]]
 * ```
 */
export function confusionMatrix(
  targs: ArrayLike<number>,
  preds: ArrayLike<number>,
  numClasses: number,
  { sliceSize = confusionMatrixDefaults.sliceSize }: ConfusionMatrixOptions = {},
): number[][] {
  const c = assertInteger(numClasses, 'numClasses', 1);
  if (sliceSize !== null) assertInteger(sliceSize, 'sliceSize', 1);
  assertSameLength(targs.length, preds.length, 'confusionMatrix(targs, preds)');
  const n = targs.length;
  const slice = sliceSize ?? Math.max(n, 1);
  const counts = new Float64Array(c * c);
  for (let start = 0; start < n; start += slice) {
    const end = Math.min(n, start + slice);
    for (let i = start; i < end; i++) {
      const t = targs[i]!;
      const p = preds[i]!;
      // `x >>> 0 === x` holds exactly for integers in [0, 2^32): one test for type, sign and fraction.
      if (t >>> 0 !== t || t >= c) throw badLabel('targs', i, t, c);
      if (p >>> 0 !== p || p >= c) throw badLabel('preds', i, p, c);
      counts[t * c + p]!++;
    }
  }
  return toRows(counts, c);
}
