// Internal: the CPU-side passes behind SegmentationInterpretation (storage, validation, decoding).
import {
  InterpError,
  type NDArray,
  ndarray,
  PROBABILITY_EPSILON,
  type TypedArray,
} from '@interp/core/base';
import { describe } from '@interp/core/internal';
import { argmaxAt, notAClass } from './metrics/confusion-counts.js';

/** Label arrays we store masks in. */
export type LabelArray = Uint8Array | Uint16Array | Int32Array;

/** The smallest array type that holds labels `min..max` (validated before they are stored). */
export function labelArray(length: number, max: number, min = 0): LabelArray {
  if (min >= 0 && max < 256) return new Uint8Array(length);
  if (min >= 0 && max < 65_536) return new Uint16Array(length);
  return new Int32Array(length);
}

/** Where a flat pixel index lies, for error messages. */
export function pixelAt(pixel: number, h: number, w: number): string {
  const hw = h * w;
  const item = Math.floor(pixel / hw);
  const p = pixel - item * hw;
  return `item ${item} at (row ${Math.floor(p / w)}, column ${p % w})`;
}

/** The LABEL_OUT_OF_RANGE error for a bad label, located by item, row and column. */
export function badLabel(
  name: string,
  pixel: number,
  value: number,
  h: number,
  w: number,
  numClasses: number,
  ignoreIndex: number | undefined,
): InterpError {
  return notAClass(
    `${name} of ${pixelAt(pixel, h, w)} is ${value},`,
    numClasses,
    ignoreIndex,
    'the vocab',
  );
}

/** Throws a located error for the first pixel of `labels` that is no class (nor ignored). */
export function checkLabels(
  labels: ArrayLike<number>,
  name: string,
  h: number,
  w: number,
  numClasses: number,
  ignoreIndex: number | undefined,
  offset = 0,
): void {
  for (let p = 0; p < labels.length; p++) {
    const v = labels[p]!;
    if (v === ignoreIndex) continue;
    if (!(v < numClasses && v >>> 0 === v)) {
      throw badLabel(name, offset + p, v, h, w, numClasses, ignoreIndex);
    }
  }
}

/** What {@link decodeScores} fills in. */
export interface DecodedScores {
  decoded: LabelArray;
  /** Per item: mean over counted pixels of -ln(max(p[target], 1e-12)); NaN when all are ignored. */
  losses: Float32Array | undefined;
  /** C x C counts, rows target, columns predicted. */
  counts: Float64Array;
}

/**
 * One pass over N x H x W x C scores: the argmax of each pixel (ties to the lower class), the
 * confusion counts against the targets and, on request, each item's mean per-pixel cross-entropy
 * of the scores read as probabilities. Ignored pixels get a prediction but count nowhere.
 */
export function decodeScores(
  scores: ArrayLike<number>,
  targs: ArrayLike<number>,
  [n, h, w, c]: readonly [number, number, number, number],
  ignoreIndex: number | undefined,
  withLosses: boolean,
): DecodedScores {
  const hw = h * w;
  const decoded = labelArray(n * hw, c - 1);
  const losses = withLosses ? new Float32Array(n) : undefined;
  const counts = new Float64Array(c * c);
  const ignore = ignoreIndex ?? Number.NaN; // NaN equals nothing: no pixel is ignored
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let counted = 0;
    for (let q = i * hw, end = q + hw; q < end; q++) {
      const o = q * c;
      const arg = argmaxAt(scores, o, c);
      if (arg < 0) {
        throw new InterpError(
          'NON_FINITE',
          `preds of ${pixelAt(q, h, w)} contain NaN; the model produced non-finite outputs, so no prediction can be read there`,
        );
      }
      decoded[q] = arg;
      const t = targs[q]!;
      if (t === ignore) continue;
      if (!(t < c && t >>> 0 === t)) throw badLabel('targs', q, t, h, w, c, ignoreIndex);
      counts[t * c + arg]!++;
      if (withLosses) {
        const p = scores[o + t]!;
        sum -= Math.log(Math.max(p, PROBABILITY_EPSILON));
        counted++;
      }
    }
    if (losses) losses[i] = counted === 0 ? Number.NaN : sum / counted;
  }
  return { decoded, losses, counts };
}

/**
 * Per item: the fraction of counted pixels (target not ignored) whose prediction is wrong, the
 * mean per-pixel 0-1 loss; NaN for an item whose pixels are all ignored.
 */
export function pixelErrorRates(
  targs: ArrayLike<number>,
  decoded: ArrayLike<number>,
  n: number,
  hw: number,
  ignoreIndex: number | undefined,
): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let wrong = 0;
    let counted = 0;
    for (let q = i * hw, end = q + hw; q < end; q++) {
      const t = targs[q]!;
      if (t === ignoreIndex) continue;
      counted++;
      if (decoded[q] !== t) wrong++;
    }
    out[i] = counted === 0 ? Number.NaN : wrong / counted;
  }
  return out;
}

/** True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Checks that `a` is a `{ data, shape }` array of rank `rank` whose size matches its shape. */
export function rankArray(
  a: NDArray<ArrayLike<number>>,
  name: string,
  rank: number,
  what: string,
): NDArray<ArrayLike<number>> {
  if (
    a === null ||
    typeof a !== 'object' ||
    !Array.isArray(a.shape) ||
    a.shape.length !== rank ||
    a.data == null ||
    typeof a.data.length !== 'number'
  ) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name} must be { data, shape } with ${what}, got ${a && Array.isArray(a.shape) ? `shape [${a.shape.join(', ')}]` : describe(a)}`,
    );
  }
  return ndarray(a.data, a.shape, name);
}

/** Labels in a compact array; a typed integer array that already fits is kept, not copied. */
export function compactLabels(
  data: ArrayLike<number>,
  max: number,
  min: number,
): LabelArray | TypedArray {
  if (
    data instanceof Uint8Array ||
    data instanceof Uint16Array ||
    data instanceof Int32Array ||
    data instanceof Int16Array ||
    data instanceof Int8Array
  ) {
    return data;
  }
  const out = labelArray(data.length, max, min);
  for (let k = 0; k < data.length; k++) out[k] = data[k]!;
  return out;
}
