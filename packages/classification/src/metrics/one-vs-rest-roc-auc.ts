import { InterpError } from '@interp/core/base';
import { npSum } from './internal/pairwise-sum.js';
import { checkLabels, checkScores, type Scores } from './internal/validate.js';
import { oneVsRest } from './one-vs-rest.js';
import { rocAuc } from './roc-auc.js';

/** Per-class one-vs-rest ROC AUC and its averages. */
export interface OneVsRestRocAuc {
  /** AUC of each class against the rest; NaN for a class with no items (or only items) in targs. */
  perClass: Float64Array;
  /** Unweighted mean over the classes with a defined AUC. */
  macro: number;
  /** Mean weighted by each class's number of items (its support), over defined classes. */
  weighted: number;
}

/**
 * One-vs-rest ROC AUC per class with macro and support-weighted averages: scikit-learn's
 * `roc_auc_score(targs, scores, multi_class='ovr', average=None | 'macro' | 'weighted')` when every
 * class occurs. Where scikit-learn refuses a class that never occurs, its AUC here is NaN and the
 * averages skip it. Scores need not sum to 1 per row: only their order within a column matters.
 *
 * @example
 * ```ts
 * const { perClass, macro } = oneVsRestRocAuc(probs, 3, targs);
 * ```
 */
export function oneVsRestRocAuc(
  scores: Scores,
  numClasses: number,
  targs: ArrayLike<number>,
): OneVsRestRocAuc {
  const n = checkScores(scores, numClasses);
  checkLabels(targs, numClasses, 'targs', n);
  if (n === 0) throw new InterpError('EMPTY_INPUT', 'oneVsRestRocAuc needs at least one item');
  const support = new Float64Array(numClasses);
  for (let i = 0; i < n; i++) support[targs[i]!]!++;
  const perClass = new Float64Array(numClasses);
  const defined: number[] = [];
  const products: number[] = [];
  const weights: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    if (support[c] === 0 || support[c] === n) {
      perClass[c] = Number.NaN;
      continue;
    }
    const { scores: column, isPositive } = oneVsRest(scores, numClasses, targs, c);
    perClass[c] = rocAuc(column, isPositive);
    defined.push(perClass[c]!);
    products.push(perClass[c]! * support[c]!);
    weights.push(support[c]!);
  }
  return {
    perClass,
    macro: defined.length === 0 ? Number.NaN : npSum(defined) / defined.length,
    weighted: defined.length === 0 ? Number.NaN : npSum(products) / npSum(weights),
  };
}
