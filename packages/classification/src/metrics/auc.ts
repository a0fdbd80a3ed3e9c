import { InterpError } from '@interp/core/base';
import { npSum } from './internal/pairwise-sum.js';

/**
 * Area under a curve by the trapezoidal rule, as scikit-learn's `auc(x, y)`: `x` must be
 * monotonic (increasing, or decreasing for a negated area), at least 2 points.
 *
 * @example
 * ```ts
 * auc([0, 0, 0.5, 0.5, 1], [0, 0.5, 0.5, 1, 1]); // 0.75
 * ```
 */
export function auc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `auc(x, y): x has ${x.length} points but y has ${y.length}; pass one y per x`,
    );
  }
  const n = x.length;
  if (n < 2) {
    throw new InterpError('INVALID_ARGUMENT', `auc needs at least 2 points, got ${n}`);
  }
  let increasing = true;
  let decreasing = true;
  for (let i = 1; i < n; i++) {
    const d = x[i]! - x[i - 1]!;
    if (d < 0) increasing = false;
    if (d > 0) decreasing = false;
    if (Number.isNaN(d)) {
      throw new InterpError('NON_FINITE', `auc: x[${i - 1}] or x[${i}] is not a finite number`);
    }
  }
  if (!increasing && !decreasing) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      'auc: x is neither increasing nor decreasing; sort the points by x first',
    );
  }
  // NumPy's trapezoid: (dx * (y[i+1] + y[i])) / 2, summed pairwise.
  const parts = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) parts[i] = ((x[i + 1]! - x[i]!) * (y[i + 1]! + y[i]!)) / 2;
  const area = npSum(parts);
  return increasing ? area : -area;
}
