import { arrayDataLoader, DataLoaders, InterpError, type RandomState, toRng } from '@interp/core';
import { assertInteger, assertNumber, describe, keyword } from '@interp/core/internal';
import { Categorify, levelsOf, NA_LEVEL } from './categorify.js';
import { FillMissing } from './fill-missing.js';
import { Normalize } from './normalize.js';
import type { Table } from './table.js';
import type { TabularDataLoader, TabularFeature } from './tabular-feature.js';

/** Options of {@link TabularData}. */
export interface TabularDataOptions {
  /** The target column. */
  yName: string;
  /** Categorical columns; default every text column but the target. */
  catNames?: readonly string[];
  /** Continuous columns; default every numeric column but the target. */
  contNames?: readonly string[];
  /** 'category' (classification) or 'continuous' (regression); default by the target column's type. */
  yType?: 'category' | 'continuous';
  /** Explicit split: `[trainRows, validRows]`; otherwise a random split by `validPct`. */
  splits?: readonly [ArrayLike<number>, ArrayLike<number>];
  /** Fraction of rows in the validation set of the random split (default 0.2). */
  validPct?: number;
  /** Seed of the random split (fastai's RandomSplitter seed); undefined = a new split each time. */
  seed?: RandomState;
}

/** An encoded table: `x` row-major `[nRows, nColumns]`, `y` one target per row. */
export interface EncodedTable {
  x: Float32Array;
  /** Class indices (classification) or values (regression); undefined when the table has no target column. */
  y: Int32Array | Float32Array | undefined;
  nRows: number;
  nColumns: number;
}

/** Options of {@link TabularData.dl} and {@link TabularData.dls}. */
export interface TabularLoaderOptions {
  /** Rows per batch (default 64). */
  batchSize?: number;
  /** Shuffle each pass (default: true for the training loader of `dls`, else false). */
  shuffle?: boolean;
  /** Seed of the shuffling. */
  seed?: RandomState;
}

/** TabularData defaults, written once. */
export const tabularDataDefaults = Object.freeze({ validPct: 0.2, batchSize: 64 } as const);

/** Levels of an `_na` flag column (fastai's `#na#`, False, True). */
const FLAG_LEVELS = [NA_LEVEL, 'false', 'true'] as const;

/**
 * A table prepared for a model, as fastai's TabularPandas does it: split into train and valid,
 * then Categorify (codes with `#na#` at 0), FillMissing (training median and a `<col>_na` flag)
 * and Normalize (training mean and std), all fitted on the training rows and applied to both.
 * The encoded matrix has the categorical codes first, then the `_na` flags (also categorical,
 * codes 1 = false and 2 = true), then the normalized continuous columns.
 *
 * @example
 * ```ts
 * const data = new TabularData(Table.fromRecords(loadPenguins()), {
 *   yName: 'species', catNames: ['island', 'sex'],
 *   contNames: ['billLength', 'billDepth', 'flipperLength', 'bodyMass'], seed: 0,
 * });
 * data.columnNames; // ['island', 'sex', 'billLength_na', ..., 'billLength', ...]
 * const dls = data.dls({ batchSize: 64, seed: 0 });
 * ```
 */
export class TabularData {
  readonly yName: string;
  readonly yType: 'category' | 'continuous';
  /** Categorical columns of the table (without the `_na` flags). */
  readonly catNames: readonly string[];
  /** Continuous columns of the table. */
  readonly contNames: readonly string[];
  /** Names of the `_na` flag columns. */
  readonly naNames: readonly string[];
  /** Names of the encoded matrix's columns, in order. */
  readonly columnNames: readonly string[];
  /** The features (one per table column used), in encoded order. */
  readonly features: readonly TabularFeature[];
  /** Target classes (classification), in code order. */
  readonly vocab: readonly string[] | undefined;
  readonly categorify: Categorify;
  readonly fillMissing: FillMissing;
  readonly normalize: Normalize;
  /** Row indices of the source table in the training and the validation set. */
  readonly trainRows: Int32Array;
  readonly validRows: Int32Array;
  readonly train: EncodedTable;
  readonly valid: EncodedTable;

  constructor(table: Table, options: TabularDataOptions) {
    if (!table || typeof table.column !== 'function') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `TabularData needs a Table (Table.fromRecords, fromColumns or fromCSV), got ${describe(table)}`,
      );
    }
    const { yName, validPct = tabularDataDefaults.validPct, splits, seed } = options ?? {};
    if (typeof yName !== 'string') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `TabularData needs { yName }: the target column (one of ${table.names.map((n) => JSON.stringify(n)).join(', ')})`,
      );
    }
    const yCol = table.column(yName);
    const others = table.names.filter((n) => n !== yName);
    this.catNames = [
      ...(options.catNames ?? others.filter((n) => table.column(n).type === 'string')),
    ];
    this.contNames = [
      ...(options.contNames ?? others.filter((n) => table.column(n).type === 'number')),
    ];
    for (const n of [...this.catNames, ...this.contNames]) table.column(n);
    const both = this.catNames.find((n) => this.contNames.includes(n) || n === yName);
    const dupCont = this.contNames.find((n, i) => n === yName || this.contNames.indexOf(n) !== i);
    const dupCat = this.catNames.find((n, i) => this.catNames.indexOf(n) !== i);
    const dup = both ?? dupCont ?? dupCat;
    if (dup !== undefined) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `column ${JSON.stringify(dup)} is listed twice (or is also the target); each column is categorical, continuous or the target`,
      );
    }
    if (this.catNames.length + this.contNames.length === 0) {
      throw new InterpError(
        'EMPTY_INPUT',
        'TabularData has no input columns; pass catNames and/or contNames',
      );
    }
    this.yName = yName;
    this.yType = keyword(
      options.yType,
      'yType',
      ['category', 'continuous'],
      yCol.type === 'string' ? 'category' : 'continuous',
    );

    [this.trainRows, this.validRows] = splitRows(table.nRows, splits, validPct, seed);
    const train = table.take(this.trainRows);

    this.categorify = Categorify.fit(train, this.catNames);
    this.fillMissing = FillMissing.fit(train, this.contNames);
    this.naNames = this.fillMissing.naNames.map((n) => `${n}_na`);
    const filledTrain: Record<string, Float64Array> = {};
    for (const n of this.contNames) filledTrain[n] = this.fillMissing.fill(train, n);
    this.normalize = Normalize.fit(filledTrain);
    this.columnNames = [...this.catNames, ...this.naNames, ...this.contNames];

    if (this.yType === 'category') {
      const levels = levelsOf(train.column(yName));
      if (levels.length < 2) {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `target ${JSON.stringify(yName)} has ${levels.length} class(es) in the training rows; classification needs 2 or more`,
        );
      }
      this.vocab = levels;
    } else {
      if (yCol.type !== 'number') {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `target ${JSON.stringify(yName)} holds text, so it cannot be continuous; use yType 'category'`,
        );
      }
      this.vocab = undefined;
    }

    const nCat = this.catNames.length;
    const nNa = this.naNames.length;
    const features: TabularFeature[] = this.catNames.map((name, j) => ({
      name,
      kind: 'categorical',
      columns: [j],
      levels: this.categorify.vocab(name),
    }));
    this.contNames.forEach((name, k) => {
      const naIndex = this.fillMissing.naNames.indexOf(name);
      const value = nCat + nNa + k;
      const mean = this.normalize.mean(name);
      const std = this.normalize.std(name);
      features.push({
        name,
        kind: 'continuous',
        columns: naIndex >= 0 ? [value, nCat + naIndex] : [value],
        ...(naIndex >= 0 ? { naColumn: nCat + naIndex } : {}),
        toRaw: (z: number) => z * std + mean,
        fromRaw: (v: number) => (v - mean) / std,
      });
    });
    this.features = features;
    this.train = this.encodeRows(train, true);
    this.valid = this.encodeRows(table.take(this.validRows), true);
  }

  /** Encodes another table with the fitted procs (a test set); its target column is optional. */
  encode(table: Table): EncodedTable {
    return this.encodeRows(table, table.has(this.yName));
  }

  /** An encoded row back in the table's terms: levels for categories, column units for numbers. */
  decodeRow(x: ArrayLike<number>): Record<string, string | number | null> {
    if (!x || x.length !== this.columnNames.length) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `decodeRow needs ${this.columnNames.length} encoded values (${this.columnNames.join(', ')}), got ${x?.length}`,
      );
    }
    const row: Record<string, string | number | null> = {};
    const nCat = this.catNames.length;
    const nNa = this.naNames.length;
    this.catNames.forEach((n, j) => {
      row[n] = this.categorify.vocab(n)[Math.round(x[j]!)] ?? NA_LEVEL;
    });
    this.naNames.forEach((n, j) => {
      row[n] = FLAG_LEVELS[Math.round(x[nCat + j]!)] ?? NA_LEVEL;
    });
    this.contNames.forEach((n, k) => {
      // Encoded values are float32: round to float32's ~7 significant digits for display.
      row[n] = Number(this.normalize.invert(n, x[nCat + nNa + k]!).toPrecision(7));
    });
    return row;
  }

  /** A loader over the training set, the validation set, or another table (encoded with the fitted procs). */
  dl(set: 'train' | 'valid' | Table, options: TabularLoaderOptions = {}): TabularDataLoader {
    const { batchSize = tabularDataDefaults.batchSize, shuffle = false, seed } = options;
    assertInteger(batchSize, 'batchSize', 1);
    const enc = set === 'train' ? this.train : set === 'valid' ? this.valid : this.encode(set);
    if (enc.nRows === 0) {
      throw new InterpError(
        'EMPTY_INPUT',
        `the ${typeof set === 'string' ? `${set} set` : 'table'} has no rows; change validPct or splits`,
      );
    }
    const y = enc.y ?? new Float32Array(enc.nRows);
    const base = arrayDataLoader(
      { data: enc.x, shape: [enc.nRows, enc.nColumns] },
      { data: y, shape: [enc.nRows] },
      {
        batchSize,
        shuffle,
        seed,
        ...(this.vocab ? { vocab: this.vocab } : {}),
        decode: (_i, x) => ({ kind: 'tabular', row: this.decodeRow(x) }),
      },
    );
    return Object.assign(base, { features: this.features, columnNames: this.columnNames });
  }

  /** Train (shuffled) and valid loaders, as a learner takes them. */
  dls(options: TabularLoaderOptions = {}): DataLoaders {
    const { shuffle = true, ...rest } = options;
    return new DataLoaders(this.dl('train', { ...rest, shuffle }), this.dl('valid', rest));
  }

  private encodeRows(table: Table, withTarget: boolean): EncodedTable {
    const nRows = table.nRows;
    const nColumns = this.columnNames.length;
    const x = new Float32Array(nRows * nColumns);
    let j = 0;
    const put = (values: ArrayLike<number>) => {
      for (let i = 0; i < nRows; i++) x[i * nColumns + j] = values[i]!;
      j++;
    };
    for (const n of this.catNames) put(this.categorify.encode(table, n));
    for (const n of this.fillMissing.naNames) {
      // Codes of the flag's levels: 1 = false, 2 = true.
      put(Uint8Array.from(this.fillMissing.flag(table, n), (f) => f + 1));
    }
    for (const n of this.contNames) put(this.normalize.apply(n, this.fillMissing.fill(table, n)));
    return { x, y: withTarget ? this.encodeTarget(table) : undefined, nRows, nColumns };
  }

  private encodeTarget(table: Table): Int32Array | Float32Array {
    const col = table.column(this.yName);
    if (this.vocab) {
      const index = new Map(this.vocab.map((v, i) => [v, i]));
      const y = new Int32Array(table.nRows);
      for (let i = 0; i < y.length; i++) {
        const v = col.values[i];
        const code =
          v === null || (typeof v === 'number' && Number.isNaN(v))
            ? undefined
            : index.get(String(v));
        if (code === undefined) {
          throw new InterpError(
            'LABEL_OUT_OF_RANGE',
            `target ${JSON.stringify(this.yName)} of row ${i} is ${v === null || Number.isNaN(v) ? 'missing' : JSON.stringify(v)}, not a training class (${this.vocab.join(', ')}); drop such rows first`,
          );
        }
        y[i] = code;
      }
      return y;
    }
    const y = new Float32Array(table.nRows);
    for (let i = 0; i < y.length; i++) {
      const v = col.values[i] as number;
      if (!Number.isFinite(v)) {
        throw new InterpError(
          'NON_FINITE',
          `target ${JSON.stringify(this.yName)} of row ${i} is missing; drop rows without a target first`,
        );
      }
      y[i] = v;
    }
    return y;
  }
}

function splitRows(
  n: number,
  splits: TabularDataOptions['splits'],
  validPct: number,
  seed: RandomState,
): [Int32Array, Int32Array] {
  if (splits !== undefined) {
    if (!Array.isArray(splits) || splits.length !== 2) {
      throw new InterpError(
        'INVALID_OPTION',
        'invalid splits: expected [trainRowIndices, validRowIndices]',
      );
    }
    const [tr, va] = splits.map((s, k) => {
      const a = Int32Array.from(s as ArrayLike<number>);
      for (const i of a) assertInteger(i, `splits[${k}] row index`, 0, n - 1);
      return a;
    }) as [Int32Array, Int32Array];
    if (tr.length === 0) {
      throw new InterpError('EMPTY_INPUT', 'splits[0] (the training rows) is empty');
    }
    return [tr, va];
  }
  assertNumber(validPct, 'validPct', 0, 1);
  if (n < 2) {
    throw new InterpError('EMPTY_INPUT', `the table has ${n} row(s); it needs at least 2 to split`);
  }
  // fastai's RandomSplitter: shuffle the rows, the first int(validPct * n) are valid.
  const order = toRng(seed).permutation(n);
  const nValid = Math.floor(validPct * n);
  const valid = order.slice(0, nValid).sort();
  const train = order.slice(nValid).sort();
  if (train.length === 0) {
    throw new InterpError('EMPTY_INPUT', `validPct ${validPct} leaves no training rows`);
  }
  return [train, valid];
}
