import { InterpError } from '@interp/core/base';
import type { Table } from './table.js';

/**
 * fastai's FillMissing with its default strategy: each continuous column's missing values become
 * the median of the column's present training values, and a column that had missing values in
 * training gets a flag column `<name>_na` (true where the value was missing). The flag is added
 * for training-time missingness only, so train and valid get the same columns; a valid value
 * missing in a column without a flag is still filled with the median.
 *
 * @example
 * ```ts
 * const fm = FillMissing.fit(train, ['bodyMass']);
 * fm.median('bodyMass'); // 4050
 * fm.naNames; // ['bodyMass'] when a training body mass was missing
 * fm.fill(valid, 'bodyMass'); // Float64Array, NaN replaced by 4050
 * ```
 */
export class FillMissing {
  private constructor(
    private readonly medians: ReadonlyMap<string, number>,
    /** The columns that get a `<name>_na` flag (they had missing values in training). */
    readonly naNames: readonly string[],
  ) {}

  /** Fits the medians (and which columns get a flag) on `table` (the training rows). */
  static fit(table: Table, names: readonly string[]): FillMissing {
    const medians = new Map<string, number>();
    const naNames: string[] = [];
    for (const name of names) {
      const col = table.column(name);
      if (col.type !== 'number') {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `continuous column ${JSON.stringify(name)} holds text; list it in catNames, or fix its non-numeric cells`,
        );
      }
      const present = col.values.filter((v) => !Number.isNaN(v));
      if (present.length === 0) {
        throw new InterpError(
          'EMPTY_INPUT',
          `continuous column ${JSON.stringify(name)} has no values in the training rows, so it has no median; drop the column`,
        );
      }
      medians.set(name, median(present));
      if (present.length < col.values.length) naNames.push(name);
    }
    return new FillMissing(medians, naNames);
  }

  /** The fill value of column `name`: its training median. */
  median(name: string): number {
    const m = this.medians.get(name);
    if (m === undefined) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `FillMissing has no column ${JSON.stringify(name)}; it was fitted on ${[...this.medians.keys()].map((n) => JSON.stringify(n)).join(', ')}`,
      );
    }
    return m;
  }

  /** Column `name` of `table` with missing values replaced by the training median. */
  fill(table: Table, name: string): Float64Array {
    const m = this.median(name);
    const col = table.column(name);
    if (col.type !== 'number') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `continuous column ${JSON.stringify(name)} holds text in this table; fix its non-numeric cells`,
      );
    }
    return col.values.map((v) => (Number.isNaN(v) ? m : v));
  }

  /** The `<name>_na` flag of column `name` of `table`: 1 where missing, else 0. */
  flag(table: Table, name: string): Uint8Array {
    this.median(name);
    const col = table.column(name);
    const out = new Uint8Array(col.values.length);
    for (let i = 0; i < out.length; i++) {
      const v = col.values[i]!;
      out[i] = v === null || (typeof v === 'number' && Number.isNaN(v)) ? 1 : 0;
    }
    return out;
  }
}

/** Median as pandas computes it: the middle value, or the mean of the two middle values. */
export function median(values: ArrayLike<number>): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  const h = n >> 1;
  return n % 2 === 1 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}
