import { InterpError } from '@interp/core/base';
import { keyword } from '@interp/core/internal';
import { confusionMatrix } from './confusion-matrix.js';
import { npSum } from './internal/pairwise-sum.js';

/** Options of {@link cohenKappa}. */
export interface CohenKappaOptions {
  /** Disagreement weights: `null` (default, all disagreements equal), `'linear'` or `'quadratic'` in the class-index distance. */
  weights?: 'linear' | 'quadratic' | null;
}

/** cohenKappa defaults, written once. */
export const cohenKappaDefaults = Object.freeze({ weights: null } as const);

/**
 * Cohen's kappa, the agreement of two labelings beyond chance, as scikit-learn's
 * `cohen_kappa_score(y1, y2, labels=range(numClasses), weights)`: `1 - Σ w·observed / Σ w·expected`.
 * With weights, the distance between classes i and j is |i - j| (linear) or (i - j)² (quadratic) over
 * all `numClasses` classes, also absent ones. Undefined (0/0, e.g. both raters always say the same
 * single class) gives NaN, as scikit-learn.
 *
 * @example
 * ```ts
 * // negative = 0, neutral = 1, positive = 2
 * cohenKappa([0, 2, 0, 1, 2], [0, 2, 0, 1, 0], 3); // 0.6875
 * ```
 */
export function cohenKappa(
  y1: ArrayLike<number>,
  y2: ArrayLike<number>,
  numClasses: number,
  { weights = cohenKappaDefaults.weights }: CohenKappaOptions = {},
): number {
  const w = weights === null ? null : keyword(weights, 'weights', ['linear', 'quadratic']);
  if (y1.length === 0) {
    throw new InterpError('EMPTY_INPUT', 'cohenKappa needs at least one item');
  }
  const cm = confusionMatrix(y1, y2, numClasses, { sliceSize: null });
  const c = numClasses;
  const sum0 = new Float64Array(c); // column sums (y2)
  const sum1 = new Float64Array(c); // row sums (y1)
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      sum0[j]! += cm[i]![j]!;
      sum1[i]! += cm[i]![j]!;
    }
  }
  const total = npSum(sum0);
  // Flattened C x C products summed in NumPy's order, as np.sum(w_mat * confusion).
  const observed = new Float64Array(c * c);
  const expected = new Float64Array(c * c);
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      const d = i - j;
      const wij = w === null ? (i === j ? 0 : 1) : w === 'linear' ? Math.abs(d) : d * d;
      observed[i * c + j] = wij * cm[i]![j]!;
      expected[i * c + j] = wij * ((sum0[i]! * sum1[j]!) / total);
    }
  }
  const k = npSum(observed) / npSum(expected);
  return 1 - k;
}
