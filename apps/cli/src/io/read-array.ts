import { InterpError } from '@interp/core/base';
import { type NpyNumbers, npyToNumbers } from '@interp/data';
import { readNpyFile } from '@interp/data/files';
import { extensionOf, jsonErrorText, readFileBytes } from './read-file.js';

/** A numeric array read from a file: C-order data and its shape (1-D or 2-D). */
export interface FileArray {
  /** The file as the user named it (for messages). */
  file: string;
  data: NpyNumbers;
  shape: number[];
}

/** The formats {@link readArray} reads, by extension. */
export const ARRAY_FORMATS = ['.npy', '.json', '.csv', '.txt'] as const;

/**
 * Reads a 1-D or 2-D numeric array from `.npy` (any numeric dtype; int64 converted exactly, with a
 * range check), `.json` (a list of numbers or a list of equal-length rows), `.csv` (no header,
 * comma-separated) or `.txt` (one value per line, or whitespace-separated rows). Every error names
 * the file and says what is wrong where.
 */
export function readArray(file: string, cwd: string): FileArray {
  const ext = extensionOf(file);
  if (!(ARRAY_FORMATS as readonly string[]).includes(ext)) {
    throw new InterpError(
      'PARSE',
      `${file}: unknown format ${ext === '' ? '(no extension)' : JSON.stringify(ext)}; use ${ARRAY_FORMATS.join(', ')}`,
    );
  }
  let result: { data: FileArray['data']; shape: number[] };
  if (ext === '.npy') {
    const npy = readNpyFile(file, cwd);
    result = { data: npyToNumbers(npy.data, file), shape: npy.shape };
  } else {
    const text = readFileBytes(file, cwd)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    result =
      ext === '.json'
        ? parseJsonArray(text, file)
        : parseDelimited(text, file, ext === '.csv' ? ',' : /\s+/);
  }
  if (result.shape.length === 0 || result.shape.length > 2) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${file}: expected a 1-D or 2-D array, got ${result.shape.length === 0 ? 'a scalar' : `shape [${result.shape.join(', ')}]`}`,
    );
  }
  return { file, ...result };
}

function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}

/**
 * `text` parsed as JSON that must be an array; errors name `file`, and `what(value)` ends the
 * message when the value is no array.
 */
export function parseJsonArrayText(
  text: string,
  file: string,
  what: (value: unknown) => string,
): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InterpError('PARSE', `${file}: not valid JSON (${jsonErrorText(e)})`);
  }
  if (!Array.isArray(value))
    throw new InterpError('PARSE', `${file}: expected a JSON array ${what(value)}`);
  return value;
}

function parseJsonArray(text: string, file: string): { data: Float64Array; shape: number[] } {
  const value = parseJsonArrayText(
    text,
    file,
    (v) => `(of numbers or of rows), got ${describeJson(v)}`,
  );
  const n = value.length;
  if (n === 0 || !Array.isArray(value[0])) {
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = value[i];
      if (typeof v !== 'number') {
        throw new InterpError(
          'PARSE',
          Array.isArray(v)
            ? `${file}: item ${i} is an array but item 0 is a number; use a flat list of labels or a list of rows`
            : `${file}: item ${i} is ${describeJson(v)}, not a number`,
        );
      }
      data[i] = v;
    }
    return { data, shape: [n] };
  }
  const c = (value[0] as unknown[]).length;
  const data = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    const row = value[i];
    if (!Array.isArray(row)) {
      throw new InterpError(
        'PARSE',
        `${file}: row ${i} is ${describeJson(row)}, but row 0 is an array; every row must be a list of numbers`,
      );
    }
    if (row.length !== c) {
      throw new InterpError(
        'PARSE',
        `${file}: row ${i} has ${row.length} values but row 0 has ${c} (ragged rows)`,
      );
    }
    for (let j = 0; j < c; j++) {
      const v = row[j];
      if (typeof v !== 'number') {
        throw new InterpError(
          'PARSE',
          Array.isArray(v)
            ? `${file}: row ${i}, column ${j} is an array; expected at most 2 dimensions`
            : `${file}: row ${i}, column ${j} is ${describeJson(v)}, not a number`,
        );
      }
      data[i * c + j] = v;
    }
  }
  return { data, shape: [n, c] };
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

function parseCell(cell: string): number | undefined {
  if (NUMBER.test(cell)) return Number(cell);
  const m = SPECIAL.exec(cell);
  if (m === null) return undefined;
  if (m[2]!.toLowerCase() === 'nan') return Number.NaN;
  return m[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

/** CSV (`,`) or whitespace-separated text: one row per line, no header; 1 column gives a 1-D array. */
function parseDelimited(
  text: string,
  file: string,
  separator: string | RegExp,
): { data: Float64Array; shape: number[] } {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const n = lines.length;
  let c = -1;
  let data = new Float64Array(0);
  for (let i = 0; i < n; i++) {
    const line = lines[i]!.trim();
    if (line === '') {
      throw new InterpError(
        'PARSE',
        `${file}: line ${i + 1} is empty; write one row per line with no blank lines`,
      );
    }
    const cells = line.split(separator);
    if (c === -1) {
      c = cells.length;
      data = new Float64Array(n * c);
    } else if (cells.length !== c) {
      throw new InterpError(
        'PARSE',
        `${file}: line ${i + 1} has ${cells.length} values but line 1 has ${c} (ragged rows)`,
      );
    }
    for (let j = 0; j < c; j++) {
      const cell = cells[j]!.trim();
      const v = parseCell(cell);
      if (v === undefined) {
        const hint = i === 0 ? ' (the file must have no header row)' : '';
        throw new InterpError(
          'PARSE',
          `${file}: line ${i + 1}, column ${j + 1}: ${JSON.stringify(cell.length > 20 ? `${cell.slice(0, 20)}…` : cell)} is not a number${hint}`,
        );
      }
      data[i * c + j] = v;
    }
  }
  if (n === 0) return { data: new Float64Array(0), shape: [0] };
  return { data, shape: c === 1 ? [n] : [n, c] };
}
