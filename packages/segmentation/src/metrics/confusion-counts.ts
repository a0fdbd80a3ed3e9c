import { InterpError } from '@interp/core/base';

/** The most classes a pixel confusion matrix may have (its C x C counts then take 128 MiB). */
export const MAX_CLASSES = 4096;

/**
 * A pixel confusion matrix: `counts[t * numClasses + p]` is the number of pixels whose target
 * class is `t` and whose predicted class is `p` (rows = target, columns = predicted, row-major).
 * Float64 so counts stay exact far beyond 2^32 pixels (up to 2^53).
 */
export interface ConfusionCounts {
  readonly numClasses: number;
  readonly counts: Float64Array;
}

/**
 * What the metric functions accept: {@link ConfusionCounts}, or a square matrix as nested arrays
 * (rows = target, columns = predicted), such as the JSON a report wrote.
 */
export type ConfusionMatrixLike = ConfusionCounts | readonly (readonly number[])[];

/** Checks and normalizes a {@link ConfusionMatrixLike}; internal to the package. */
export function asConfusionCounts(
  cm: ConfusionMatrixLike,
  name = 'confusion matrix',
): ConfusionCounts {
  if (Array.isArray(cm)) {
    const rows = cm as readonly (readonly number[])[];
    const c = rows.length;
    if (c === 0) {
      throw new InterpError('EMPTY_INPUT', `${name} has no rows; pass a C x C matrix with C >= 1`);
    }
    const counts = new Float64Array(c * c);
    for (let t = 0; t < c; t++) {
      const row = rows[t];
      if (!Array.isArray(row) || row.length !== c) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `${name} must be square: row ${t} has ${Array.isArray(row) ? row.length : 'no'} entries, expected ${c}`,
        );
      }
      for (let p = 0; p < c; p++) counts[t * c + p] = checkCount(row[p], `${name}[${t}][${p}]`);
    }
    return { numClasses: c, counts };
  }
  const counted = cm as ConfusionCounts;
  if (
    counted === null ||
    typeof counted !== 'object' ||
    !(counted.counts instanceof Float64Array) ||
    !Number.isInteger(counted.numClasses) ||
    counted.numClasses < 1
  ) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${name} must be { numClasses, counts: Float64Array } or a C x C array of arrays`,
    );
  }
  const c = counted.numClasses;
  if (counted.counts.length !== c * c) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name} has ${counted.counts.length} counts for numClasses ${c}; expected ${c * c} (C x C)`,
    );
  }
  return counted;
}

function checkCount(value: unknown, where: string): number {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where} = ${String(value)} is not a count (a finite number >= 0)`,
    );
  }
  return value;
}

/**
 * Checks `into` (when given) against `numClasses` and returns the matrix to count into: `into`
 * itself, or a new zeroed one.
 */
export function countsFor(numClasses: number, into: ConfusionCounts | undefined): ConfusionCounts {
  if (into === undefined) return { numClasses, counts: new Float64Array(numClasses * numClasses) };
  const cm = asConfusionCounts(into, 'into');
  if (Array.isArray(into) || cm.numClasses !== numClasses) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `into must be a ConfusionCounts with numClasses ${numClasses}, got ${Array.isArray(into) ? 'an array of arrays' : `numClasses ${cm.numClasses}`}; create it with createConfusionCounts(${numClasses})`,
    );
  }
  return cm;
}

/** The LABEL_OUT_OF_RANGE error for `name[index] = value`. */
export function labelError(
  name: string,
  index: number,
  value: number,
  numClasses: number,
  ignoreIndex: number | undefined,
): InterpError {
  return notAClass(`${name}[${index}] = ${value} is`, numClasses, ignoreIndex, 'numClasses');
}

/**
 * The LABEL_OUT_OF_RANGE error for a value that is no class index: `subject` says which value
 * ("targs[3] = 7 is"), `setting` what else to check besides the labels and ignoreIndex.
 */
export function notAClass(
  subject: string,
  numClasses: number,
  ignoreIndex: number | undefined,
  setting: string,
): InterpError {
  const ignored = ignoreIndex === undefined ? '' : ` nor the ignore index ${ignoreIndex}`;
  return new InterpError(
    'LABEL_OUT_OF_RANGE',
    `${subject} not a class index in 0..${numClasses - 1}${ignored}; check the labels, ${setting} or ignoreIndex`,
  );
}

/** The class of the largest of `c` scores at `scores[o..]` (ties to the lower class), or -1 when one is NaN. */
export function argmaxAt(scores: ArrayLike<number>, o: number, c: number): number {
  let best = scores[o]!;
  let arg = 0;
  let nan = Number.isNaN(best);
  for (let k = 1; k < c; k++) {
    const v = scores[o + k]!;
    if (v > best) {
      best = v;
      arg = k;
    } else if (Number.isNaN(v)) nan = true;
  }
  return nan ? -1 : arg;
}
