import { InterpError } from '@interp/core/base';
import { assertInteger, describe } from '@interp/core/internal';
import type { ConfusionCounts } from './confusion-counts.js';
import { countsFor, labelError, MAX_CLASSES } from './confusion-counts.js';

/** Options of {@link pixelConfusionMatrix} and {@link pixelConfusionMatrixFromScores}. */
export interface PixelConfusionOptions {
  /** A target label whose pixels count nowhere (for example 255 for "void"); none by default. */
  ignoreIndex?: number;
  /** Add the counts to this matrix (same numClasses) instead of a new one, to count in slices. */
  into?: ConfusionCounts;
}

/**
 * The pixel confusion matrix of predicted labels against target labels, both flat arrays of
 * class indices (any layout, as long as both use the same one: N x H x W flattened is usual).
 * Rows are target classes, columns predicted classes. Pixels whose target is `ignoreIndex` count
 * nowhere (their prediction is not checked). Pass `into` to accumulate slices of a large set;
 * the result equals counting everything at once.
 *
 * @example
 * ```ts
 * const cm = pixelConfusionMatrix(new Uint8Array([0, 0, 1, 255]), new Uint8Array([0, 1, 1, 0]), 2, { ignoreIndex: 255 });
 * confusionCountsToArray(cm); // [[1, 1], [0, 1]]
 * ```
 */
export function pixelConfusionMatrix(
  targs: ArrayLike<number>,
  preds: ArrayLike<number>,
  numClasses: number,
  { ignoreIndex, into }: PixelConfusionOptions = {},
): ConfusionCounts {
  const c = assertInteger(numClasses, 'numClasses', 1, MAX_CLASSES);
  if (ignoreIndex !== undefined) assertInteger(ignoreIndex, 'ignoreIndex');
  checkLabelArray(targs, 'targs');
  checkLabelArray(preds, 'preds');
  if (targs.length !== preds.length) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `targs has ${targs.length} pixels but preds has ${preds.length}; pass one predicted label per target pixel`,
    );
  }
  const cm = countsFor(c, into);
  // Count into a scratch first so that a bad label leaves `into` untouched.
  const scratch = new Float64Array(c * c);
  const n = targs.length;
  const ignore = ignoreIndex ?? Number.NaN; // NaN equals nothing: no pixel is ignored
  for (let i = 0; i < n; i++) {
    const t = targs[i]!;
    if (t === ignore) continue;
    const p = preds[i]!;
    // `x >>> 0 === x` keeps integers in [0, 2^32); with `< c` it rejects fractions, NaN and negatives.
    if (!(t < c && t >>> 0 === t)) throw labelError('targs', i, t, c, ignoreIndex);
    if (!(p < c && p >>> 0 === p)) throw labelError('preds', i, p, c, undefined);
    scratch[t * c + p]!++;
  }
  const counts = cm.counts;
  for (let k = 0; k < scratch.length; k++) counts[k]! += scratch[k]!;
  return cm;
}

/** Throws unless `labels` is an array or typed array of numbers. */
export function checkLabelArray(labels: unknown, name: string): void {
  const ok =
    Array.isArray(labels) ||
    (ArrayBuffer.isView(labels) &&
      !(labels instanceof DataView) &&
      !(labels instanceof BigInt64Array) &&
      !(labels instanceof BigUint64Array));
  if (!ok) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${name} must be an array or typed array of class indices, got ${describe(labels)}${labels instanceof BigInt64Array || labels instanceof BigUint64Array ? '; convert 64-bit labels to Int32Array first' : ''}`,
    );
  }
}
