import { InterpError } from './errors.js';

/**
 * The names of `n` classes: a copy of `vocab` when given (it must name each class once), else
 * `'0'..'n-1'`, as fastai shows classes without a vocab. `name` is what errors call the vocab.
 *
 * @example
 * ```ts
 * classNames(undefined, 3); // ['0', '1', '2']
 * classNames(['cat', 'dog'], 2); // ['cat', 'dog']
 * ```
 */
export function classNames(
  vocab: readonly string[] | undefined,
  n: number,
  name = 'vocab',
): string[] {
  if (vocab === undefined) return Array.from({ length: n }, (_, i) => String(i));
  if (!Array.isArray(vocab) || vocab.length !== n) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${name} has ${Array.isArray(vocab) ? vocab.length : 'no'} names but there are ${n} classes; pass one name per class`,
    );
  }
  return [...vocab];
}

/**
 * The largest integer label in `labels`, skipping `ignoreIndex` (a void label) and values that
 * are not integers (label checks report those); -1 when there is none.
 *
 * @example
 * ```ts
 * largestLabel([0, 3, 255, 1], 255); // 3
 * ```
 */
export function largestLabel(labels: ArrayLike<number>, ignoreIndex?: number): number {
  let m = -1;
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    if (v > m && v !== ignoreIndex && Number.isInteger(v)) m = v;
  }
  return m;
}

/** Options of {@link classCount}. */
export interface ClassCountOptions {
  /** Class names: when given, their number is the class count. */
  vocab?: readonly string[] | undefined;
  /** A label that is not a class (for example 255 for "void" pixels). */
  ignoreIndex?: number | undefined;
}

/**
 * The number of classes of some label arrays (targets, predicted labels): the vocab's length when
 * there is one, else the largest label + 1, and at least 1 so class names and matrices are never
 * empty.
 *
 * @example
 * ```ts
 * classCount([Int32Array.from([0, 2]), Int32Array.from([1, 1])]); // 3
 * classCount([[0, 1]], { vocab: ['a', 'b', 'c'] }); // 3
 * ```
 */
export function classCount(
  labels: readonly ArrayLike<number>[],
  { vocab, ignoreIndex }: ClassCountOptions = {},
): number {
  if (vocab !== undefined) return vocab.length;
  let m = 0;
  for (const l of labels) m = Math.max(m, largestLabel(l, ignoreIndex));
  return m + 1;
}
