import { InterpError } from '@interp/core/base';
import { binaryClfCurve } from './internal/binary-clf-curve.js';

/** A ROC curve: false and true positive rates at decreasing thresholds. */
export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** `thresholds[0]` is +Infinity (no item predicted positive), then the scores, decreasing. */
  thresholds: Float64Array;
}

/** Options of {@link rocCurve}. */
export interface RocCurveOptions {
  /** Drop thresholds that are not corners of the curve (default true, as scikit-learn). */
  dropIntermediate?: boolean;
}

/** rocCurve defaults, written once. */
export const rocCurveDefaults = Object.freeze({ dropIntermediate: true } as const);

/**
 * The receiver operating characteristic of one binary problem, with scikit-learn's `roc_curve`
 * semantics (>= 1.3): one point per distinct score, collinear points dropped unless
 * `dropIntermediate` is false, and a first point (0, 0) at threshold +Infinity. With no negatives
 * (or no positives) the fpr (or tpr) is all NaN, as scikit-learn.
 *
 * @example
 * ```ts
 * rocCurve([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
 * // fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1], thresholds [Infinity, 0.8, 0.4, 0.35, 0.1]
 * ```
 */
export function rocCurve(
  scoresOfClass: ArrayLike<number>,
  isPositive: ArrayLike<number | boolean>,
  { dropIntermediate = rocCurveDefaults.dropIntermediate }: RocCurveOptions = {},
): RocCurve {
  if (typeof dropIntermediate !== 'boolean') {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid dropIntermediate: ${String(dropIntermediate)}; expected true or false`,
    );
  }
  let { fps, tps, thresholds } = binaryClfCurve(scoresOfClass, isPositive, 'rocCurve');
  const m = fps.length;
  if (dropIntermediate && m > 2) {
    // Keep the ends and every point where the slope changes (second difference non-zero).
    const keep: number[] = [0];
    for (let i = 1; i < m - 1; i++) {
      const d2f = fps[i + 1]! - 2 * fps[i]! + fps[i - 1]!;
      const d2t = tps[i + 1]! - 2 * tps[i]! + tps[i - 1]!;
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(m - 1);
    fps = Float64Array.from(keep, (i) => fps[i]!);
    tps = Float64Array.from(keep, (i) => tps[i]!);
    thresholds = Float64Array.from(keep, (i) => thresholds[i]!);
  }
  const k = fps.length + 1;
  const fpr = new Float64Array(k);
  const tpr = new Float64Array(k);
  const th = new Float64Array(k);
  th[0] = Number.POSITIVE_INFINITY;
  const negatives = fps[fps.length - 1]!;
  const positives = tps[tps.length - 1]!;
  for (let i = 1; i < k; i++) {
    fpr[i] = negatives > 0 ? fps[i - 1]! / negatives : Number.NaN;
    tpr[i] = positives > 0 ? tps[i - 1]! / positives : Number.NaN;
    th[i] = thresholds[i - 1]!;
  }
  if (negatives <= 0) fpr[0] = Number.NaN;
  if (positives <= 0) tpr[0] = Number.NaN;
  return { fpr, tpr, thresholds: th };
}
