import { InterpError } from '@interp/core/base';
import { assertNumber } from '@interp/core/internal';
import { checkScores, type Scores } from './internal/validate.js';

/** Options of {@link multiLabelConfusionMatrix}. */
export interface MultiLabelConfusionMatrixOptions {
  /** A label is predicted when its score is strictly above this (default 0.5, as fastai). */
  thresh?: number;
}

/** multiLabelConfusionMatrix defaults, written once. */
export const multiLabelConfusionMatrixDefaults = Object.freeze({ thresh: 0.5 } as const);

/**
 * One 2 x 2 confusion matrix per label of a multi-label problem, in scikit-learn's
 * `multilabel_confusion_matrix` layout `[[tn, fp], [fn, tp]]`. `scores` and `targs01` are both
 * N x L row-major; a label is predicted when its score is above `thresh` (apply a sigmoid first
 * to logits); targets are 0/1.
 *
 * @example
 * ```ts
 * // scikit-learn's docstring example: y_true [[1,0,1],[0,1,0]], y_pred [[1,0,0],[0,1,1]]
 * multiLabelConfusionMatrix([1, 0, 0, 0, 1, 1], 3, [1, 0, 1, 0, 1, 0]);
 * // [[[1, 0], [0, 1]], [[1, 0], [0, 1]], [[0, 1], [1, 0]]]
 * ```
 */
export function multiLabelConfusionMatrix(
  scores: Scores,
  numLabels: number,
  targs01: ArrayLike<number | boolean>,
  { thresh = multiLabelConfusionMatrixDefaults.thresh }: MultiLabelConfusionMatrixOptions = {},
): number[][][] {
  const n = checkScores(scores, numLabels);
  assertNumber(thresh, 'thresh');
  if (targs01.length !== scores.length) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `targs01 has ${targs01.length} values but scores has ${scores.length}; both must be N x ${numLabels}`,
    );
  }
  const l = numLabels;
  // counts[label * 4 + 2 * actual + predicted]
  const counts = new Float64Array(l * 4);
  for (let i = 0, off = 0; i < n; i++, off += l) {
    for (let j = 0; j < l; j++) {
      const s = scores[off + j]!;
      if (Number.isNaN(s)) {
        throw new InterpError(
          'NON_FINITE',
          `scores[${i}][${j}] is NaN; every score must be a number`,
        );
      }
      const t = targs01[off + j];
      let actual: number;
      if (t === 1 || t === true) actual = 1;
      else if (t === 0 || t === false) actual = 0;
      else {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `targs01[${i}][${j}] = ${String(t)} is not 0/1; multi-label targets are 0/1 per label`,
        );
      }
      counts[j * 4 + 2 * actual + (s > thresh ? 1 : 0)]!++;
    }
  }
  const out: number[][][] = [];
  for (let j = 0; j < l; j++) {
    out.push([
      [counts[j * 4]!, counts[j * 4 + 1]!],
      [counts[j * 4 + 2]!, counts[j * 4 + 3]!],
    ]);
  }
  return out;
}
