import { InterpError } from '@interp/core/base';
import { binaryClfCurve } from './internal/binary-clf-curve.js';

/** A precision-recall curve, recall decreasing. */
export interface PrecisionRecallCurve {
  /** One more entry than `thresholds`: the last is 1 (no item predicted positive). */
  precision: Float64Array;
  /** One more entry than `thresholds`: the last is 0. */
  recall: Float64Array;
  /** The distinct scores, increasing. */
  thresholds: Float64Array;
}

/** Options of {@link precisionRecallCurve}. */
export interface PrecisionRecallCurveOptions {
  /** Drop thresholds where the true positives do not change (default false, as scikit-learn). */
  dropIntermediate?: boolean;
}

/** precisionRecallCurve defaults, written once. */
export const precisionRecallCurveDefaults = Object.freeze({ dropIntermediate: false } as const);

/**
 * Precision and recall of one binary problem at every distinct score, scikit-learn's
 * `precision_recall_curve` (>= 1.3): thresholds increasing, precision 0 where nothing is predicted
 * positive, and with no positives at all a recall of 1 at every threshold.
 *
 * @example
 * ```ts
 * precisionRecallCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
 * // precision [0.5, 0.6666666666666666, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0],
 * // thresholds [0.1, 0.35, 0.4, 0.8]
 * ```
 */
export function precisionRecallCurve(
  scoresOfClass: ArrayLike<number>,
  isPositive: ArrayLike<number | boolean>,
  {
    dropIntermediate = precisionRecallCurveDefaults.dropIntermediate,
  }: PrecisionRecallCurveOptions = {},
): PrecisionRecallCurve {
  if (typeof dropIntermediate !== 'boolean') {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid dropIntermediate: ${String(dropIntermediate)}; expected true or false`,
    );
  }
  let { fps, tps, thresholds } = binaryClfCurve(scoresOfClass, isPositive, 'precisionRecallCurve');
  const m = tps.length;
  if (dropIntermediate && m > 2) {
    // Keep the first and last point of each run of equal tps (a vertical segment of the curve).
    const keep: number[] = [0];
    for (let i = 1; i < m - 1; i++) {
      if (tps[i]! !== tps[i - 1]! || tps[i + 1]! !== tps[i]!) keep.push(i);
    }
    keep.push(m - 1);
    fps = Float64Array.from(keep, (i) => fps[i]!);
    tps = Float64Array.from(keep, (i) => tps[i]!);
    thresholds = Float64Array.from(keep, (i) => thresholds[i]!);
  }
  const k = tps.length;
  const positives = tps[k - 1]!;
  const precision = new Float64Array(k + 1);
  const recall = new Float64Array(k + 1);
  const th = new Float64Array(k);
  // Reversed so recall decreases, then the (recall 0, precision 1) end point.
  for (let i = 0; i < k; i++) {
    const src = k - 1 - i;
    const ps = tps[src]! + fps[src]!;
    precision[i] = ps !== 0 ? tps[src]! / ps : 0;
    recall[i] = positives === 0 ? 1 : tps[src]! / positives;
    th[i] = thresholds[src]!;
  }
  precision[k] = 1;
  recall[k] = 0;
  return { precision, recall, thresholds: th };
}
