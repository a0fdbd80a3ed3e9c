// The loader's rows gathered once on the CPU, and the target checks the scorers make on them.
import { type DataLoader, InterpError } from '@interp/core';
import { describe } from '@interp/core/internal';

/** A loader's items gathered on the CPU in item order. */
export interface LoaderData {
  /** Row-major `[nRows, nCols]`. */
  x: Float32Array;
  nRows: number;
  nCols: number;
  /** Targets, `yPerRow` values per row. */
  y: Float32Array;
  yPerRow: number;
}

/** Reads a loader's batches once, in item order (shuffled loaders included, by `indices`). */
export async function collectLoader(dl: DataLoader): Promise<LoaderData> {
  if (!dl || typeof dl[Symbol.asyncIterator] !== 'function' || typeof dl.length !== 'number') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `dl must be a DataLoader (arrayDataLoader, TabularData.dl), got ${describe(dl)}`,
    );
  }
  const n = dl.length;
  let x: Float32Array | undefined;
  let y: Float32Array | undefined;
  let nCols = 0;
  let yPerRow = 0;
  for await (const batch of dl) {
    try {
      const b = batch.x.shape[0]!;
      if (batch.x.rank !== 2) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `feature importance needs table rows: inputs of shape [N, features], got [${batch.x.shape.join(', ')}]`,
        );
      }
      if (!x) {
        nCols = batch.x.shape[1]!;
        yPerRow = batch.y.size / b;
        x = new Float32Array(n * nCols);
        y = new Float32Array(n * yPerRow);
      }
      const xd = (await batch.x.data()) as Float32Array;
      const yd = await batch.y.data();
      const idx = batch.indices;
      const first = idx[0]!;
      if (idx[idx.length - 1] === first + idx.length - 1) {
        // Unshuffled batches hold consecutive items: copy them as one block.
        x.set(xd.subarray(0, idx.length * nCols), first * nCols);
        for (let k = 0; k < idx.length * yPerRow; k++) y![first * yPerRow + k] = yd[k]!;
      } else {
        for (let k = 0; k < idx.length; k++) {
          const i = idx[k]!;
          x.set(xd.subarray(k * nCols, (k + 1) * nCols), i * nCols);
          for (let t = 0; t < yPerRow; t++) y![i * yPerRow + t] = yd[k * yPerRow + t]!;
        }
      }
    } finally {
      batch.x.dispose();
      batch.y.dispose();
    }
  }
  if (!x || !y || n === 0) {
    throw new InterpError('EMPTY_INPUT', 'the data loader has no rows; pass a loader with items');
  }
  return { x, nRows: n, nCols, y, yPerRow };
}

/**
 * Checks targets against the model's outputs for a classification scorer: one class index per
 * row in 0..C-1 (C = outputs, or 2 for a single probability output).
 */
export function checkClassTargets(data: LoaderData, nOutputs: number, scoring: string): void {
  const classes = nOutputs === 1 ? 2 : nOutputs;
  if (data.yPerRow !== 1) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `scoring '${scoring}' needs one class index per row; the targets have ${data.yPerRow} values per row`,
    );
  }
  for (let i = 0; i < data.nRows; i++) {
    const t = data.y[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= classes) {
      throw new InterpError(
        'LABEL_OUT_OF_RANGE',
        `target of row ${i} is ${t}, not a class index in 0..${classes - 1} (the model has ${nOutputs} output(s)); use a regression scoring for a regressor`,
      );
    }
  }
}

/** Checks targets against the model's outputs for a regression scorer: one value per output. */
export function checkRegressionTargets(data: LoaderData, nOutputs: number, scoring: string): void {
  if (data.yPerRow !== nOutputs) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `scoring '${scoring}' compares each of the model's ${nOutputs} output(s) with a target, but the targets have ${data.yPerRow} value(s) per row; a classifier needs 'accuracy' or 'neg_log_loss'`,
    );
  }
}
