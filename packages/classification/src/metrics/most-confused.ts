import { assertNumber } from '@interp/core/internal';
import { checkMatrix, checkVocab } from './internal/matrix.js';

/** Options of {@link mostConfused}. */
export interface MostConfusedOptions {
  /** Smallest count listed; default {@link mostConfusedDefaults}. */
  minVal?: number;
  /** Class names; without it the pairs hold class indices. */
  vocab?: readonly string[] | undefined;
}

/** mostConfused defaults, written once (fastai's `min_val=1`). */
export const mostConfusedDefaults: { readonly minVal: number } = Object.freeze({ minVal: 1 });

/** `[actual, predicted, count]`: a name pair when a vocab is given, an index pair otherwise. */
export type ConfusedPair<K extends string | number> = [actual: K, predicted: K, count: number];

/**
 * The off-diagonal cells of a confusion matrix with `count >= minVal`, as
 * `[actual, predicted, count]`, largest count first; equal counts keep row-major order (actual,
 * then predicted), as fastai's `most_confused`.
 *
 * @example
 * ```ts
 * mostConfused([[5, 2], [2, 1]], { vocab: ['cat', 'dog'] });
 * // [['cat', 'dog', 2], ['dog', 'cat', 2]]
 * ```
 */
export function mostConfused(
  matrix: readonly (readonly number[])[],
  options: MostConfusedOptions & { vocab: readonly string[] },
): ConfusedPair<string>[];
export function mostConfused(
  matrix: readonly (readonly number[])[],
  options?: MostConfusedOptions & { vocab?: undefined },
): ConfusedPair<number>[];
export function mostConfused(
  matrix: readonly (readonly number[])[],
  options?: MostConfusedOptions,
): ConfusedPair<string | number>[];
export function mostConfused(
  matrix: readonly (readonly number[])[],
  { minVal = mostConfusedDefaults.minVal, vocab }: MostConfusedOptions = {},
): ConfusedPair<string | number>[] {
  const c = checkMatrix(matrix);
  assertNumber(minVal, 'minVal');
  const names = vocab === undefined ? undefined : checkVocab(vocab, c);
  const cells: [number, number, number][] = [];
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      if (i !== j && matrix[i]![j]! >= minVal) cells.push([i, j, matrix[i]![j]!]);
    }
  }
  // Array.prototype.sort is stable, so equal counts stay in the row-major order they were pushed in.
  cells.sort((a, b) => b[2] - a[2]);
  if (names === undefined) return cells;
  return cells.map(([i, j, v]) => [names[i]!, names[j]!, v]);
}
