/** Largest distance of a probability row's sum from 1 that still counts as rounding. */
export const ROW_SUM_TOLERANCE = 1e-3;

/** Where a row of scores stops being a probability distribution. */
export interface NotProbabilities {
  row: number;
  /** `negative` (a value < 0, or NaN) or `sum` (the row does not sum to 1 within the tolerance). */
  why: 'negative' | 'sum';
  /** The offending value, or the row's sum. */
  value: number;
}

/**
 * The first row of an N x C score matrix that is not a probability distribution (a value below 0
 * or NaN, or a sum off 1 by more than {@link ROW_SUM_TOLERANCE}), or `undefined` when every row is
 * one. Used by `--act none` (refuse) and `--act auto` (choose softmax).
 *
 * @example
 * ```ts
 * notProbabilities(Float32Array.of(0.5, 0.5, 2, 0.7), 2); // { row: 1, why: 'sum', value: 2.7 }
 * ```
 */
export function notProbabilities(data: ArrayLike<number>, c: number): NotProbabilities | undefined {
  const n = Math.floor(data.length / c);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let k = i * c; k < (i + 1) * c; k++) {
      const v = data[k]!;
      if (!(v >= 0)) return { row: i, why: 'negative', value: v };
      sum += v;
    }
    if (!(Math.abs(sum - 1) <= ROW_SUM_TOLERANCE)) return { row: i, why: 'sum', value: sum };
  }
  return undefined;
}

/** The sentence that says a row is not a distribution and what to pass instead. */
export function notProbabilitiesMessage(file: string, bad: NotProbabilities): string {
  const what =
    bad.why === 'negative'
      ? `holds ${bad.value}, a negative probability`
      : `sums to ${Number(bad.value.toPrecision(6))}, not 1 (within ${ROW_SUM_TOLERANCE})`;
  return `${file}: row ${bad.row} ${what}, so the scores are not probabilities; pass --act softmax if they are logits (or --act sigmoid for multi-label scores)`;
}
