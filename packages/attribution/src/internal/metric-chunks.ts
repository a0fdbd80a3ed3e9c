import { InterpError } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { defaultRowsPerChunk } from './batch-budget.js';
import { optionalPositiveInt } from './validate-input.js';

/** Rows i*k..i*k+k-1 are copies of row i (torch.repeat_interleave along axis 0). */
export function repeatInterleave(t: tf.Tensor, k: number): tf.Tensor {
  if (k === 1) return tf.clone(t);
  const n = t.shape[0]!;
  return tf.reshape(tf.tile(tf.expandDims(t, 1), [1, k, ...t.shape.slice(1).map(() => 1)]), [
    n * k,
    ...t.shape.slice(1),
  ]);
}

/** Perturbations per item evaluated per chunk: maxExamplesPerBatch / N, or the batch budget. */
export function samplesPerChunk(
  maxExamplesPerBatch: number | undefined,
  n: number,
  itemSize: number,
  samples: number,
  where: string,
): number {
  const max = optionalPositiveInt(maxExamplesPerBatch, `${where}: maxExamplesPerBatch`);
  if (max !== undefined && max < n) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: maxExamplesPerBatch = ${max} is smaller than the batch (${n} items); pass at least ${n} or split x`,
    );
  }
  const rows = max ?? Math.max(n, defaultRowsPerChunk(itemSize));
  return Math.max(1, Math.min(samples, Math.floor(rows / n)));
}
