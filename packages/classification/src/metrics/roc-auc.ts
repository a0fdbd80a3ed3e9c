import { InterpError } from '@interp/core/base';
import { auc } from './auc.js';
import { checkBinary } from './internal/validate.js';
import { rocCurve } from './roc-curve.js';

/**
 * Area under the ROC curve of one binary problem, as scikit-learn's `roc_auc_score(y_true,
 * y_score)`: the trapezoidal area under {@link rocCurve}. Needs both positives and negatives.
 *
 * @example
 * ```ts
 * rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.75
 * ```
 */
export function rocAuc(
  scoresOfClass: ArrayLike<number>,
  isPositive: ArrayLike<number | boolean>,
): number {
  const pos = checkBinary(isPositive, 'rocAuc: isPositive', scoresOfClass.length);
  let positives = 0;
  for (let i = 0; i < pos.length; i++) positives += pos[i]!;
  if (positives === 0 || positives === pos.length) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `rocAuc needs both positive and negative items, got ${positives} positives of ${pos.length}; ROC AUC is undefined otherwise`,
    );
  }
  const { fpr, tpr } = rocCurve(scoresOfClass, pos);
  return auc(fpr, tpr);
}
