import type { NDArray } from '@interp/core/base';

/** Options of `loadTable`. */
export interface LoadTableOptions {
  /** The target column: a header name (CSV) or a column index (`.npy`, or a CSV column number). */
  targetColumn: string | number;
}

/** What `loadTable` returns. */
export interface LoadedTable {
  /** float32 features `[N, F]` (every column but the target; missing values NaN). */
  x: NDArray<Float32Array>;
  /** Class ids (a text target, or a target of whole numbers) or float values (any other number). */
  targets: Int32Array | Float32Array;
  /** Class names when the target column is text (sorted, id = index); else `undefined`. */
  vocab: string[] | undefined;
  /** Names of the `F` feature columns (`x0`, `x1`, ... for `.npy`). */
  featureNames: string[];
}
