import { npSum } from './internal/pairwise-sum.js';
import { precisionRecallCurve } from './precision-recall-curve.js';

/**
 * Average precision of one binary problem, scikit-learn's `average_precision_score`: the precision
 * at each threshold weighted by the increase in recall, `Σ (R_n - R_{n-1}) P_n` (a step function,
 * no interpolation). With no positives it is 0.
 *
 * @example
 * ```ts
 * averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]); // 0.8333333333333333
 * ```
 */
export function averagePrecision(
  scoresOfClass: ArrayLike<number>,
  isPositive: ArrayLike<number | boolean>,
): number {
  const { precision, recall } = precisionRecallCurve(scoresOfClass, isPositive);
  const parts = new Float64Array(recall.length - 1);
  for (let i = 0; i < parts.length; i++) parts[i] = (recall[i + 1]! - recall[i]!) * precision[i]!;
  // Clamped as scikit-learn: rounding can leave -0.0.
  return Math.max(0, -npSum(parts));
}
