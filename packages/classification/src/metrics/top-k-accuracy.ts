import { InterpError } from '@interp/core/base';
import { assertInteger, keyword } from '@interp/core/internal';
import { checkLabels, checkScores, type Scores } from './internal/validate.js';

/** Options of {@link topKAccuracy}. */
export interface TopKAccuracyOptions {
  /**
   * Which of several equal scores ranks first: `'lower'` index (default, as interp's argmax, so
   * k = 1 gives the accuracy of the confusion matrix) or `'higher'` (scikit-learn's
   * `top_k_accuracy_score`, which documents that tied labels with the highest indices win).
   */
  ties?: 'lower' | 'higher';
}

/** topKAccuracy defaults, written once. */
export const topKAccuracyDefaults = Object.freeze({ ties: 'lower' } as const);

/**
 * The fraction of items whose target is among the `k` highest scores of its row (scikit-learn's
 * `top_k_accuracy_score` for N x C scores with labels 0..C-1). `k >= numClasses` gives 1.
 *
 * @example
 * ```ts
 * const scores = [0.5, 0.2, 0.2, 0.3, 0.4, 0.2, 0.2, 0.4, 0.3, 0.7, 0.2, 0.1];
 * topKAccuracy(scores, 3, [0, 1, 2, 2], 2); // 0.75
 * ```
 */
export function topKAccuracy(
  scores: Scores,
  numClasses: number,
  targs: ArrayLike<number>,
  k: number,
  { ties = topKAccuracyDefaults.ties }: TopKAccuracyOptions = {},
): number {
  const n = checkScores(scores, numClasses);
  checkLabels(targs, numClasses, 'targs', n);
  assertInteger(k, 'k', 1);
  const higherWins =
    keyword(ties, 'ties', ['lower', 'higher'], topKAccuracyDefaults.ties) === 'higher';
  if (n === 0) {
    throw new InterpError('EMPTY_INPUT', 'topKAccuracy needs at least one item');
  }
  const c = numClasses;
  let hits = 0;
  for (let i = 0, off = 0; i < n; i++, off += c) {
    const t = targs[i]!;
    const st = scores[off + t]!;
    if (Number.isNaN(st)) throw nan(i, t);
    // Rank of the target = classes ranked ahead of it; a hit when fewer than k are.
    let ahead = 0;
    for (let j = 0; j < c; j++) {
      const v = scores[off + j]!;
      if (v > st) ahead++;
      else if (v === st && (higherWins ? j > t : j < t)) ahead++;
      else if (Number.isNaN(v)) throw nan(i, j);
    }
    if (ahead < k) hits++;
  }
  return hits / n;
}

function nan(i: number, j: number): InterpError {
  return new InterpError('NON_FINITE', `scores[${i}][${j}] is NaN; every score must be a number`);
}
