import { InterpError } from '@interp/core/base';
import { confusionMatrix } from './confusion-matrix.js';

/**
 * The Matthews correlation coefficient of actual and predicted labels, scikit-learn's multiclass
 * formula (`matthews_corrcoef`): `(correct·N - Σ t_k·p_k) / sqrt((N² - Σ p_k²)(N² - Σ t_k²))` with
 * t_k, p_k the actual and predicted counts of class k; 0 when the denominator is 0.
 *
 * @example
 * ```ts
 * matthewsCorrcoef([1, 1, 1, 0], [1, 0, 1, 1], 2); // -0.3333333333333333
 * ```
 */
export function matthewsCorrcoef(
  targs: ArrayLike<number>,
  preds: ArrayLike<number>,
  numClasses: number,
): number {
  if (targs.length === 0) {
    throw new InterpError('EMPTY_INPUT', 'matthewsCorrcoef needs at least one item');
  }
  const cm = confusionMatrix(targs, preds, numClasses, { sliceSize: null });
  const c = numClasses;
  const t = new Float64Array(c);
  const p = new Float64Array(c);
  let correct = 0;
  let n = 0;
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      t[i]! += cm[i]![j]!;
      p[j]! += cm[i]![j]!;
      n += cm[i]![j]!;
    }
    correct += cm[i]![i]!;
  }
  // Integer-valued sums, exact in float64 up to 2^53: the summation order does not matter here.
  let tp = 0;
  let pp = 0;
  let tt = 0;
  for (let k = 0; k < c; k++) {
    tp += t[k]! * p[k]!;
    pp += p[k]! * p[k]!;
    tt += t[k]! * t[k]!;
  }
  const covYtYp = correct * n - tp;
  const covYpYp = n * n - pp;
  const covYtYt = n * n - tt;
  const den = covYpYp * covYtYt;
  if (den === 0) return 0;
  return covYtYp / Math.sqrt(den);
}
