import { InterpError } from '@interp/core/base';
import { assertInteger, assertLabels } from '@interp/core/internal';

/** Scores as the metric functions take them: N x C row-major. */
export type Scores = Float32Array | Float64Array | ArrayLike<number>;

/** Checks `numClasses` and that `scores` holds `n` rows of `numClasses`; returns n. */
export function checkScores(scores: Scores, numClasses: number, name = 'scores'): number {
  assertInteger(numClasses, 'numClasses', 1);
  if (scores === null || typeof scores !== 'object' || typeof scores.length !== 'number') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${name} must be a typed array or array of numbers (N x C, row-major)`,
    );
  }
  if (scores.length % numClasses !== 0) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name} has ${scores.length} values, not a multiple of numClasses = ${numClasses}; pass N x C scores flattened row-major`,
    );
  }
  return scores.length / numClasses;
}

/** Checks labels are integers in [0, numClasses) and, when given, that there are `n` of them. */
export function checkLabels(
  labels: ArrayLike<number>,
  numClasses: number,
  name: string,
  n?: number,
): void {
  if (labels === null || typeof labels !== 'object' || typeof labels.length !== 'number') {
    throw new InterpError('INVALID_ARGUMENT', `${name} must be a typed array or array of labels`);
  }
  if (n !== undefined && labels.length !== n) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name} has ${labels.length} items but the scores have ${n} rows; pass one label per item`,
    );
  }
  assertLabels(labels, numClasses, name);
}

/** Checks a 0/1 (or boolean) indicator array and returns it as 0/1 bytes. */
export function checkBinary(
  values: ArrayLike<number | boolean>,
  name: string,
  n?: number,
): Uint8Array {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new InterpError('INVALID_ARGUMENT', `${name} must be an array of 0/1 or booleans`);
  }
  if (n !== undefined && values.length !== n) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name} has ${values.length} items but the scores have ${n}; pass one value per item`,
    );
  }
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === 1 || v === true) out[i] = 1;
    else if (v !== 0 && v !== false) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${name}[${i}] = ${String(v)} is not 0/1; pass isPositive as 0/1 or booleans (for class labels use oneVsRest)`,
      );
    }
  }
  return out;
}

/** Checks that every score is a number (not NaN) and returns the count of values. */
export function checkNotNaN(values: ArrayLike<number>, name: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      throw new InterpError(
        'NON_FINITE',
        `${name}[${i}] is NaN; scores must be numbers (check the model outputs)`,
      );
    }
  }
}
