import { InterpError } from '@interp/core/base';
import { checkBinary } from './validate.js';

/** Counts at each distinct score, highest first (scikit-learn's `_binary_clf_curve`). */
export interface BinaryClfCurve {
  /** Negatives with score >= thresholds[i]. */
  fps: Float64Array;
  /** Positives with score >= thresholds[i]. */
  tps: Float64Array;
  /** The distinct scores, decreasing. */
  thresholds: Float64Array;
}

/**
 * Sorts items by score (descending) and, at each distinct score, counts the positives and
 * negatives scoring at least that much. NaN scores throw.
 */
export function binaryClfCurve(
  scores: ArrayLike<number>,
  isPositive: ArrayLike<number | boolean>,
  name: string,
): BinaryClfCurve {
  if (scores === null || typeof scores !== 'object' || typeof scores.length !== 'number') {
    throw new InterpError('INVALID_ARGUMENT', `${name}: scores must be an array of numbers`);
  }
  const n = scores.length;
  const pos = checkBinary(isPositive, `${name}: isPositive`, n);
  if (n === 0) throw new InterpError('EMPTY_INPUT', `${name} needs at least one item`);
  for (let i = 0; i < n; i++) {
    const v = scores[i]!;
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new InterpError(
        'NON_FINITE',
        `${name}: scores[${i}] is ${String(v)}; every score must be a number`,
      );
    }
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Comparisons, not subtraction: Infinity - Infinity would be NaN.
  order.sort((a, b) => (scores[b]! > scores[a]! ? 1 : scores[b]! < scores[a]! ? -1 : a - b));
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let r = 0; r < n; r++) {
    const i = order[r]!;
    tp += pos[i]!;
    // Keep the last index of each run of equal scores.
    if (r === n - 1 || scores[order[r + 1]!]! !== scores[i]!) {
      tps.push(tp);
      fps.push(r + 1 - tp);
      thresholds.push(scores[i]!);
    }
  }
  return {
    fps: Float64Array.from(fps),
    tps: Float64Array.from(tps),
    thresholds: Float64Array.from(thresholds),
  };
}
