import { InterpError } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { throughputChunksFor } from './batch-budget.js';
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

/**
 * Runs one step per chunk of perturbations until each of the `n` items has had `samples`:
 * `step(k)` evaluates perturbations done..done+k-1 of every item (n * k rows). With
 * `maxExamplesPerBatch` a chunk holds at most that many rows; otherwise chunks are sized by
 * measured throughput ({@link throughputChunksFor}), as the other many-chunk methods do. Bad
 * options throw here, before any work; only the chunking changes with the sizes, not the rows
 * evaluated.
 *
 * @example
 * ```ts
 * const eachChunk = sampleChunks(undefined, n, itemSize, 10, 'infidelity');
 * await eachChunk(async (k) => { ...evaluate n * k perturbed rows... });
 * ```
 */
export function sampleChunks(
  maxExamplesPerBatch: number | undefined,
  n: number,
  itemSize: number,
  samples: number,
  where: string,
): (step: (k: number) => Promise<void>) => Promise<void> {
  const max = optionalPositiveInt(maxExamplesPerBatch, `${where}: maxExamplesPerBatch`);
  if (max !== undefined && max < n) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: maxExamplesPerBatch = ${max} is smaller than the batch (${n} items); pass at least ${n} or split x`,
    );
  }
  return async (step) => {
    const chunks = max === undefined ? throughputChunksFor(itemSize) : undefined;
    for (let done = 0; done < samples; ) {
      const wanted = Math.max(1, Math.floor((chunks?.next() ?? max!) / n));
      const k = Math.min(wanted, samples - done);
      const started = performance.now();
      await step(k);
      // A short last chunk says nothing of its size's throughput.
      if (k === wanted) chunks?.record(n * k, performance.now() - started);
      done += k;
    }
  };
}
