import { InterpError } from '@interp/core/base';
import { readArray } from '../io/read-array.js';
import { extensionOf, readFileBytes } from '../io/read-file.js';
import { UsageError } from '../usage-error.js';

/** The features and targets of `interp importance`, as float32 rows. */
export interface ImportanceData {
  x: Float32Array;
  shape: [number, number];
  y: Float32Array;
  yShape: number[];
  featureNames: string[];
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads `--data` (.npy N x F, or .csv with or without a header row) and the targets (`--targs`
 * file, or the `--target-column` column of the CSV). Errors name the file and the offending cell.
 */
export async function readImportanceData(
  dataFile: string,
  targsFile: string | undefined,
  targetColumn: string | undefined,
  cwd: string,
): Promise<ImportanceData> {
  const ext = extensionOf(dataFile);
  let x: Float32Array;
  let shape: [number, number];
  let featureNames: string[];
  let y: Float32Array | undefined;
  if (ext === '.npy') {
    if (targetColumn !== undefined) {
      throw new UsageError(
        `--target-column ${targetColumn} needs a CSV with a header row; with ${dataFile} pass --targs`,
      );
    }
    const a = readArray(dataFile, cwd);
    if (a.shape.length !== 2) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${dataFile}: expected an N x F matrix of features, got shape [${a.shape.join(', ')}]`,
      );
    }
    shape = [a.shape[0]!, a.shape[1]!];
    x = a.data instanceof Float32Array ? a.data : Float32Array.from(a.data);
    featureNames = Array.from({ length: shape[1] }, (_, j) => `x${j}`);
  } else if (ext === '.csv') {
    const csv = await readCsvMatrix(dataFile, cwd, targetColumn);
    ({ x, shape, featureNames } = csv);
    y = csv.y;
  } else {
    throw new InterpError(
      'PARSE',
      `${dataFile}: unknown format ${ext === '' ? '(no extension)' : JSON.stringify(ext)}; use .npy or .csv`,
    );
  }
  if (shape[0] === 0 || shape[1] === 0) {
    throw new InterpError('EMPTY_INPUT', `${dataFile}: no rows or no feature columns`);
  }
  let yShape: number[] = [shape[0]];
  if (y === undefined) {
    const t = readArray(targsFile!, cwd);
    if (t.shape[0] !== shape[0]) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${dataFile} has ${shape[0]} rows but ${targsFile} has ${t.shape[0]} targets; pass one target per row`,
      );
    }
    y = Float32Array.from(t.data);
    yShape = t.shape.length === 2 && t.shape[1] !== 1 ? [...t.shape] : [shape[0]];
  }
  return { x, shape, y, yShape, featureNames };
}

async function readCsvMatrix(
  file: string,
  cwd: string,
  targetColumn: string | undefined,
): Promise<{ x: Float32Array; shape: [number, number]; featureNames: string[]; y?: Float32Array }> {
  const { parseCSV } = await import('@interp/tabular');
  const text = readFileBytes(file, cwd).toString('utf8');
  let records: string[][];
  try {
    records = parseCSV(text);
  } catch (e) {
    throw new InterpError('PARSE', `${file}: ${(e as Error).message}`);
  }
  if (records.length === 0) throw new InterpError('EMPTY_INPUT', `${file}: the file is empty`);
  const first = records[0]!;
  const hasHeader = !first.every((c) => NUMBER.test(c.trim()));
  const names = hasHeader ? first.map((c) => c.trim()) : first.map((_, j) => `x${j}`);
  let target = -1;
  if (targetColumn !== undefined) {
    if (!hasHeader) {
      throw new InterpError(
        'PARSE',
        `${file} has no header row (its first line is all numbers); --target-column ${targetColumn} needs column names`,
      );
    }
    target = names.indexOf(targetColumn);
    if (target < 0) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${file} has no column ${JSON.stringify(targetColumn)}; its columns are ${names.map((n) => JSON.stringify(n)).join(', ')}`,
      );
    }
    const again = names.indexOf(targetColumn, target + 1);
    if (again >= 0) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${file}: the header names column ${JSON.stringify(targetColumn)} twice (columns ${target + 1} and ${again + 1}); --target-column needs a column name that appears once`,
      );
    }
  }
  const body = hasHeader ? records.slice(1) : records;
  const width = first.length;
  const n = body.length;
  const f = width - (target >= 0 ? 1 : 0);
  const x = new Float32Array(n * f);
  const y = target >= 0 ? new Float32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const row = body[i]!;
    const line = i + (hasHeader ? 2 : 1);
    if (row.length !== width) {
      throw new InterpError(
        'PARSE',
        `${file}: line ${line} has ${row.length} fields but ${hasHeader ? 'the header' : 'line 1'} has ${width}`,
      );
    }
    let k = 0;
    for (let j = 0; j < width; j++) {
      const cell = row[j]!.trim();
      if (!NUMBER.test(cell)) {
        const shown = JSON.stringify(cell.length > 20 ? `${cell.slice(0, 20)}…` : cell);
        throw new InterpError(
          'PARSE',
          `${file}: line ${line}, column ${JSON.stringify(names[j])}: ${shown} is not a number; every cell must be numeric`,
        );
      }
      if (j === target) y![i] = Number(cell);
      else x[i * f + k++] = Number(cell);
    }
  }
  const featureNames = names.filter((_, j) => j !== target);
  return y ? { x, shape: [n, f], featureNames, y } : { x, shape: [n, f], featureNames };
}
