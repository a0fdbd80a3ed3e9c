import { InterpError } from '@interp/core/base';

/** The error for a label that is not a class index, naming the input and the item. */
export function badLabel(name: string, i: number, v: number, c: number): InterpError {
  return new InterpError(
    'LABEL_OUT_OF_RANGE',
    `${name}[${i}] = ${v} is not a class index in 0..${c - 1}; labels must be integers below numClasses = ${c}`,
  );
}

/** A flat C x C count table as rows of plain numbers. */
export function toRows(counts: Float64Array, c: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < c; i++) rows.push(Array.from(counts.subarray(i * c, (i + 1) * c)));
  return rows;
}

/** Checks a square count matrix (rows actual, columns predicted) and returns its size. */
export function checkMatrix(matrix: readonly (readonly number[])[], name = 'matrix'): number {
  if (!Array.isArray(matrix) || matrix.length === 0) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${name} must be a non-empty C x C array of counts (rows actual, columns predicted)`,
    );
  }
  const c = matrix.length;
  for (let i = 0; i < c; i++) {
    const row = matrix[i];
    if (!Array.isArray(row) || row.length !== c) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${name} must be square: row ${i} has ${Array.isArray(row) ? row.length : 'no'} entries, expected ${c}`,
      );
    }
    for (let j = 0; j < c; j++) {
      const v = row[j]!;
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `${name}[${i}][${j}] = ${v} is not a count; entries must be finite numbers >= 0`,
        );
      }
    }
  }
  return c;
}

/** Checks that a vocab, when given, names each of the `c` classes once. */
export function checkVocab(vocab: readonly string[] | undefined, c: number): string[] {
  if (vocab === undefined) return Array.from({ length: c }, (_, i) => String(i));
  if (!Array.isArray(vocab) || vocab.length !== c) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `vocab has ${Array.isArray(vocab) ? vocab.length : 'no'} names but there are ${c} classes; pass one name per class`,
    );
  }
  const seen = new Map<string, number>();
  vocab.forEach((name, i) => {
    if (typeof name !== 'string') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `vocab[${i}] is not a string; class names must be strings`,
      );
    }
    const before = seen.get(name);
    if (before !== undefined) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `vocab[${i}] = ${JSON.stringify(name)} repeats vocab[${before}]; class names must be unique`,
      );
    }
    seen.set(name, i);
  });
  return [...vocab];
}
