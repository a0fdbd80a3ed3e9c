import type { DataLoader } from '@interp/core';

/**
 * One feature of a table as a model sees it: a categorical column (its codes) or a continuous
 * column (normalized, with its `_na` flag when it had missing values). Permutation importance
 * moves all of a feature's `columns` together.
 */
export interface TabularFeature {
  /** The table column's name. */
  readonly name: string;
  readonly kind: 'categorical' | 'continuous';
  /** Columns of the encoded matrix that belong to the feature: the value, then its `_na` flag if any. */
  readonly columns: readonly number[];
  /** Categorical: the level of each code (`#na#` at 0). */
  readonly levels?: readonly string[];
  /** Continuous: the encoded column of its `_na` flag, when it has one. */
  readonly naColumn?: number;
  /** Continuous: turns an encoded (normalized) value back into the column's units. */
  readonly toRaw?: (encoded: number) => number;
  /** Continuous: turns a value in the column's units into its encoded (normalized) value. */
  readonly fromRaw?: (raw: number) => number;
}

/**
 * A {@link DataLoader} over an encoded table (`x` is `[N, columns]` float32: category codes, `_na`
 * flags, normalized continuous values) that knows its features, so feature importance and
 * partial dependence work per table column rather than per encoded column.
 */
export interface TabularDataLoader extends DataLoader {
  /** The table's features, in order (categorical, then continuous). */
  readonly features: readonly TabularFeature[];
  /** Names of the encoded matrix's columns (`_na` flags included). */
  readonly columnNames: readonly string[];
}

/**
 * True when `dl` carries tabular feature metadata (a loader from {@link TabularData.dl}).
 *
 * @example
 * ```ts
 * if (isTabularDataLoader(dl)) dl.features.map((f) => f.name); // ['island', 'sex', ...]
 * ```
 */
export function isTabularDataLoader(dl: DataLoader): dl is TabularDataLoader {
  return Array.isArray((dl as TabularDataLoader).features);
}
