import { resolve } from 'node:path';
import { InterpError } from '@interp/core/base';
import { parseCSV, tableDefaults } from '@interp/tabular';
import { realFolder } from './list-image-folder.js';
import { npyToNumbers } from './npy/npy-to-numbers.js';
import { parseNpy } from './npy/parse-npy.js';
import { readFileInside } from './read-inside-folder.js';
import type { LoadedTable, LoadTableOptions } from './table-types.js';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads a table of features and a target: a `.csv` with a header row (the target column named by
 * `targetColumn`; every other column must hold numbers, with pandas' missing-value cells read as
 * NaN) or a `.npy` N x F matrix (the target column by index). A text target becomes class ids into
 * a sorted `vocab`; whole-number targets are class ids as they are; other numbers stay floats.
 *
 * @example
 * ```ts
 * const t = loadTable('penguins.csv', { targetColumn: 'species' });
 * t.x.shape; // [333, 4]
 * ```
 */
export function loadTable(path: string, options: LoadTableOptions): LoadedTable {
  const { targetColumn } = options;
  const bytes = readFileInside(realFolder(resolve(path, '..')), resolve(path), path);
  const lower = path.toLowerCase();
  let header: string[];
  let rows: string[][] | undefined;
  let matrix: { data: ArrayLike<number>; shape: readonly number[] } | undefined;
  if (lower.endsWith('.csv')) {
    const all = parseCSV(new TextDecoder().decode(bytes));
    header = (all[0] ?? []).map((h) => h.trim());
    rows = all.slice(1);
  } else if (lower.endsWith('.npy')) {
    const npy = parseNpy(bytes, path);
    matrix = { data: npyToNumbers(npy.data, path), shape: npy.shape };
    if (matrix.shape.length !== 2) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${path}: expected an N x F matrix, got shape [${matrix.shape.join(', ')}]`,
      );
    }
    header = Array.from({ length: matrix.shape[1]! }, (_, j) => `x${j}`);
  } else {
    throw new InterpError(
      'PARSE',
      `${path}: unknown table format; use .csv (with a header row) or .npy`,
    );
  }
  const t =
    typeof targetColumn === 'number' || (matrix !== undefined && /^\d+$/.test(targetColumn))
      ? Number(targetColumn)
      : header.indexOf(targetColumn);
  if (!Number.isInteger(t) || t < 0 || t >= header.length) {
    throw new InterpError(
      'INVALID_OPTION',
      `${path} has no column ${JSON.stringify(targetColumn)}; its columns are ${header.join(', ')}`,
    );
  }
  const nRows = rows ? rows.length : matrix!.shape[0]!;
  const nCols = header.length;
  if (nRows === 0 || nCols < 2) {
    throw new InterpError(
      'EMPTY_INPUT',
      `${path}: needs at least one row and one feature column besides the target`,
    );
  }
  const cell = (i: number, j: number): string | number =>
    rows ? (rows[i]![j] ?? '').trim() : matrix!.data[i * nCols + j]!;
  if (rows) {
    rows.forEach((r, i) => {
      if (r.length !== nCols) {
        throw new InterpError(
          'PARSE',
          `${path} row ${i + 2}: ${r.length} fields, but the header has ${nCols}`,
        );
      }
    });
  }
  const featureNames = header.filter((_, j) => j !== t);
  const x = new Float32Array(nRows * (nCols - 1));
  const na: readonly string[] = tableDefaults.naValues;
  for (let i = 0; i < nRows; i++) {
    let k = 0;
    for (let j = 0; j < nCols; j++) {
      if (j === t) continue;
      const v = cell(i, j);
      if (typeof v === 'number') x[i * (nCols - 1) + k] = v;
      else if (na.includes(v)) x[i * (nCols - 1) + k] = Number.NaN;
      else if (NUMBER.test(v)) x[i * (nCols - 1) + k] = Number(v);
      else {
        throw new InterpError(
          'PARSE',
          `${path} row ${i + 2}, column ${header[j]}: ${JSON.stringify(v)} is not a number; encode text features as numbers first`,
        );
      }
      k++;
    }
  }
  const raw = Array.from({ length: nRows }, (_, i) => cell(i, t));
  const numeric = raw.every((v) => typeof v === 'number' || NUMBER.test(v));
  let targets: Int32Array | Float32Array;
  let vocab: string[] | undefined;
  if (numeric) {
    const values = raw.map(Number);
    targets = values.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 31)
      ? Int32Array.from(values)
      : Float32Array.from(values);
  } else {
    const missing = raw.findIndex((v) => na.includes(String(v)));
    if (missing >= 0) {
      throw new InterpError(
        'PARSE',
        `${path} row ${missing + 2}: the target ${header[t]} is missing; drop that row`,
      );
    }
    vocab = [...new Set(raw.map(String))].sort();
    const index = new Map(vocab.map((v, k) => [v, k]));
    targets = Int32Array.from(raw, (v) => index.get(String(v))!);
  }
  return { x: { data: x, shape: [nRows, nCols - 1] }, targets, vocab, featureNames };
}
