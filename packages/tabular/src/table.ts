import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';
import { parseCSV } from './parse-csv.js';

/** A cell as given by the caller; null, undefined, NaN and '' are missing values. */
export type CellValue = string | number | boolean | null | undefined;

/** A numeric column: missing values are NaN. */
export interface NumberColumn {
  readonly type: 'number';
  readonly values: Float64Array;
}

/** A column of text (categories): missing values are null. */
export interface StringColumn {
  readonly type: 'string';
  readonly values: readonly (string | null)[];
}

/** One column of a {@link Table}. */
export type TableColumn = NumberColumn | StringColumn;

/** Options of {@link Table.fromCSV}. */
export interface TableFromCSVOptions {
  /** Field separator (default ','). */
  delimiter?: string;
  /** Cells read as missing values (default {@link tableDefaults.naValues}). */
  naValues?: readonly string[];
}

/** Table defaults, written once. */
export const tableDefaults = Object.freeze({
  /** The cells a CSV reader treats as missing, as pandas does by default (a subset). */
  naValues: Object.freeze(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', '#N/A'] as const),
} as const);

// Decimal numbers as CSV files write them: sign, digits with an optional point, exponent.
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A table of named columns, each either numbers (missing = NaN) or strings (missing = null),
 * built from records, column arrays or CSV text. A column whose present values are all finite
 * numbers is numeric; anything else (strings, booleans, mixed) is text. Which columns are
 * categorical or continuous is decided later, by {@link TabularData}.
 *
 * @example
 * ```ts
 * const t = Table.fromRecords([{ island: 'Biscoe', mass: 3750 }, { island: 'Dream', mass: null }]);
 * t.column('mass'); // { type: 'number', values: Float64Array [3750, NaN] }
 * ```
 */
export class Table {
  /** Column names in order. */
  readonly names: readonly string[];
  /** Number of rows. */
  readonly nRows: number;
  private readonly columns: ReadonlyMap<string, TableColumn>;

  /** Prefer the static constructors; this one takes checked columns of equal length. */
  constructor(columns: ReadonlyMap<string, TableColumn>) {
    let nRows: number | undefined;
    for (const [name, col] of columns) {
      if (nRows === undefined) nRows = col.values.length;
      else if (col.values.length !== nRows) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `column ${JSON.stringify(name)} has ${col.values.length} values but the first column has ${nRows}; every column needs one value per row`,
        );
      }
    }
    this.columns = columns;
    this.names = [...columns.keys()];
    this.nRows = nRows ?? 0;
  }

  /**
   * A table from an array of records (objects). Column names are the union of the records' keys in
   * first-seen order; a key a record lacks is a missing value.
   */
  static fromRecords(records: readonly Record<string, CellValue>[]): Table {
    if (!Array.isArray(records)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `Table.fromRecords expects an array of objects, got ${describe(records)}`,
      );
    }
    const names: string[] = [];
    const seen = new Set<string>();
    records.forEach((r, i) => {
      if (r === null || typeof r !== 'object' || Array.isArray(r)) {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `Table.fromRecords: record ${i} is ${describe(r)}, not an object of column values`,
        );
      }
      for (const k of Object.keys(r)) {
        if (!seen.has(k)) {
          seen.add(k);
          names.push(k);
        }
      }
    });
    const cols = new Map<string, TableColumn>();
    for (const name of names) {
      cols.set(
        name,
        inferColumn(
          records.map((r) => r[name]),
          name,
        ),
      );
    }
    return new Table(cols);
  }

  /** A table from column arrays: `{ name: values }` (plain arrays or typed arrays). */
  static fromColumns(columns: Record<string, ArrayLike<CellValue>>): Table {
    if (columns === null || typeof columns !== 'object' || Array.isArray(columns)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `Table.fromColumns expects { name: values }, got ${describe(columns)}`,
      );
    }
    const cols = new Map<string, TableColumn>();
    for (const [name, values] of Object.entries(columns)) {
      if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `Table.fromColumns: column ${JSON.stringify(name)} is ${describe(values)}, not an array`,
        );
      }
      cols.set(name, inferColumn(Array.from(values), name));
    }
    return new Table(cols);
  }

  /**
   * A table from CSV text with a header row (RFC 4180, see {@link parseCSV}). A column whose
   * present cells all read as decimal numbers is numeric; cells in `naValues` are missing.
   */
  static fromCSV(text: string, options: TableFromCSVOptions = {}): Table {
    const { delimiter, naValues = tableDefaults.naValues } = options;
    const rows = parseCSV(text, delimiter === undefined ? {} : { delimiter });
    const header = rows[0];
    if (!header) {
      throw new InterpError('EMPTY_INPUT', 'the CSV text is empty; it needs a header row');
    }
    const dup = header.find((h, i) => header.indexOf(h) !== i);
    if (dup !== undefined) {
      throw new InterpError(
        'PARSE',
        `CSV header names column ${JSON.stringify(dup)} twice; give every column its own name`,
      );
    }
    for (let r = 1; r < rows.length; r++) {
      if (rows[r]!.length !== header.length) {
        throw new InterpError(
          'PARSE',
          `CSV record ${r + 1} has ${rows[r]!.length} fields but the header has ${header.length}; every record needs one field per column`,
        );
      }
    }
    const na = new Set(naValues);
    const cols = new Map<string, TableColumn>();
    header.forEach((name, j) => {
      const cells: (string | null)[] = new Array(rows.length - 1);
      let numeric = true;
      for (let r = 1; r < rows.length; r++) {
        const cell = rows[r]![j]!;
        const v = na.has(cell) ? null : cell;
        cells[r - 1] = v;
        if (v !== null && numeric && !NUMBER.test(v.trim())) numeric = false;
      }
      if (numeric && cells.some((c) => c !== null)) {
        const values = new Float64Array(cells.length);
        cells.forEach((c, i) => {
          values[i] = c === null ? Number.NaN : Number(c);
        });
        cols.set(name, { type: 'number', values });
      } else {
        cols.set(name, { type: 'string', values: cells });
      }
    });
    return new Table(cols);
  }

  /** True when the table has a column `name`. */
  has(name: string): boolean {
    return this.columns.has(name);
  }

  /** The column `name`; throws naming the columns there are when it is missing. */
  column(name: string): TableColumn {
    const col = this.columns.get(name);
    if (!col) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `no column ${JSON.stringify(name)}; the table has ${this.names.map((n) => JSON.stringify(n)).join(', ')}`,
      );
    }
    return col;
  }

  /** Row `i` as a record (missing values as null). */
  row(i: number): Record<string, string | number | null> {
    if (!Number.isInteger(i) || i < 0 || i >= this.nRows) {
      throw new InterpError(
        'K_OUT_OF_RANGE',
        `row ${i} does not exist; the table has rows 0..${this.nRows - 1}`,
      );
    }
    const out: Record<string, string | number | null> = {};
    for (const [name, col] of this.columns) {
      const v = col.values[i]!;
      out[name] = typeof v === 'number' && Number.isNaN(v) ? null : v;
    }
    return out;
  }

  /** A new table with the rows at `indices`, in that order. */
  take(indices: ArrayLike<number>): Table {
    const cols = new Map<string, TableColumn>();
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.nRows) {
        throw new InterpError(
          'K_OUT_OF_RANGE',
          `row index ${i} is outside the table's rows 0..${this.nRows - 1}`,
        );
      }
    }
    for (const [name, col] of this.columns) {
      if (col.type === 'number') {
        const values = new Float64Array(indices.length);
        for (let k = 0; k < indices.length; k++) values[k] = col.values[indices[k]!]!;
        cols.set(name, { type: 'number', values });
      } else {
        cols.set(name, {
          type: 'string',
          values: Array.from({ length: indices.length }, (_, k) => col.values[indices[k]!]!),
        });
      }
    }
    return new Table(cols);
  }
}

function isMissing(v: CellValue): boolean {
  return v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

function inferColumn(values: readonly CellValue[], name: string): TableColumn {
  let numeric = true;
  let present = 0;
  for (const v of values) {
    if (isMissing(v)) continue;
    present++;
    if (typeof v !== 'number' || !Number.isFinite(v)) numeric = false;
    if (typeof v === 'object' || typeof v === 'function') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `column ${JSON.stringify(name)} holds ${describe(v)}; cells must be strings, numbers, booleans or null`,
      );
    }
  }
  if (numeric && present > 0) {
    return {
      type: 'number',
      values: Float64Array.from(values, (v) => (isMissing(v) ? Number.NaN : (v as number))),
    };
  }
  return { type: 'string', values: values.map((v) => (isMissing(v) ? null : String(v))) };
}
