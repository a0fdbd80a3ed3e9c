import { assertInteger } from '@interp/core/internal';
import { checkLabels, checkScores, type Scores } from './internal/validate.js';

/** One class's column of N x C scores and which items belong to it. */
export interface OneVsRest {
  scores: Float64Array;
  isPositive: Uint8Array;
}

/**
 * Turns a multiclass problem into the binary problem "class `cls` against the rest": the scores of
 * column `cls` and a 0/1 indicator of `targs === cls`, ready for {@link rocCurve},
 * {@link precisionRecallCurve}, {@link averagePrecision} or {@link calibrationCurve}.
 *
 * @example
 * ```ts
 * const { scores, isPositive } = oneVsRest(probs, 10, targs, 3);
 * const { fpr, tpr } = rocCurve(scores, isPositive);
 * ```
 */
export function oneVsRest(
  scores: Scores,
  numClasses: number,
  targs: ArrayLike<number>,
  cls: number,
): OneVsRest {
  const n = checkScores(scores, numClasses);
  checkLabels(targs, numClasses, 'targs', n);
  assertInteger(cls, 'cls', 0, numClasses - 1);
  const column = new Float64Array(n);
  const isPositive = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    column[i] = scores[i * numClasses + cls]!;
    isPositive[i] = targs[i] === cls ? 1 : 0;
  }
  return { scores: column, isPositive };
}
