import { InterpError } from '@interp/core/base';
import type { Table, TableColumn } from './table.js';

/** The level every categorical column has at code 0: missing values and categories unseen in training. */
export const NA_LEVEL = '#na#';

/**
 * fastai's Categorify: each categorical column gets a vocabulary fitted on the training table —
 * `#na#` at code 0, then the distinct training values sorted (numbers numerically, text by code
 * unit) — and values become their codes. Missing values and values the training table never had
 * get code 0.
 *
 * @example
 * ```ts
 * const c = Categorify.fit(train, ['island']);
 * c.vocab('island'); // ['#na#', 'Biscoe', 'Dream', 'Torgersen']
 * c.encode(valid, 'island'); // Int32Array of codes, 0 for an island not in train
 * ```
 */
export class Categorify {
  private constructor(private readonly vocabs: ReadonlyMap<string, readonly string[]>) {}

  /** Fits a vocabulary per column on `table` (the training rows). */
  static fit(table: Table, names: readonly string[]): Categorify {
    const vocabs = new Map<string, readonly string[]>();
    for (const name of names) vocabs.set(name, [NA_LEVEL, ...levelsOf(table.column(name))]);
    return new Categorify(vocabs);
  }

  /** The columns this proc encodes. */
  get names(): string[] {
    return [...this.vocabs.keys()];
  }

  /** Column `name`'s vocabulary: code -> level, `#na#` first. */
  vocab(name: string): readonly string[] {
    const v = this.vocabs.get(name);
    if (!v) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `Categorify has no column ${JSON.stringify(name)}; it was fitted on ${this.names.map((n) => JSON.stringify(n)).join(', ')}`,
      );
    }
    return v;
  }

  /** The codes of column `name` of `table` (0 for missing or unknown values). */
  encode(table: Table, name: string): Int32Array {
    const vocab = this.vocab(name);
    const index = new Map<string, number>();
    vocab.forEach((level, code) => {
      if (code > 0) index.set(level, code);
    });
    const col = table.column(name);
    const codes = new Int32Array(col.values.length);
    for (let i = 0; i < codes.length; i++) {
      const key = cellKey(col, i);
      codes[i] = key === null ? 0 : (index.get(key) ?? 0);
    }
    return codes;
  }

  /** The level of `code` in column `name`. */
  decode(name: string, code: number): string {
    const vocab = this.vocab(name);
    const level = vocab[code];
    if (level === undefined || !Number.isInteger(code)) {
      throw new InterpError(
        'LABEL_OUT_OF_RANGE',
        `code ${code} is not a level of ${JSON.stringify(name)} (codes 0..${vocab.length - 1})`,
      );
    }
    return level;
  }
}

function cellKey(col: TableColumn, i: number): string | null {
  const v = col.values[i]!;
  if (v === null || (typeof v === 'number' && Number.isNaN(v))) return null;
  return String(v);
}

/** Distinct present values of a column, sorted, as strings. */
export function levelsOf(col: TableColumn): string[] {
  if (col.type === 'number') {
    const set = new Set<number>();
    for (const v of col.values) if (!Number.isNaN(v)) set.add(v);
    return [...set].sort((a, b) => a - b).map(String);
  }
  const set = new Set<string>();
  for (const v of col.values) if (v !== null) set.add(v);
  return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
