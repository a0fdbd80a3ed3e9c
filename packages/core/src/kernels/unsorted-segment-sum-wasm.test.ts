import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { createRng } from '../random.js';
import { expectFreesEverything, expectWasmMatchesCpu } from './test-kernel-cases.js';
import { randn } from './test-kernel-helpers.js';
import { unsortedSegmentSumWasm } from './unsorted-segment-sum-wasm.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

function segmentSum(x: tf.Tensor, ids: tf.Tensor, numSegments: number) {
  return tf
    .engine()
    .runKernel('UnsortedSegmentSum', { x, segmentIds: ids }, { numSegments }) as tf.Tensor;
}

describe('unsortedSegmentSumWasm', () => {
  it('is the registered wasm UnsortedSegmentSum after setupBackend', () => {
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBe(unsortedSegmentSumWasm);
  });

  it('sums rows into their segments, leaving empty segments 0 and dropping ids out of range', async () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ]);
    const ids = tf.tensor1d([1, 0, 1, -1, 3], 'int32');
    const out = tf.unsortedSegmentSum(x, ids, 3);
    expect(out.shape).toEqual([3, 2]);
    expect(await out.array()).toEqual([
      [3, 4],
      [6, 8],
      [0, 0],
    ]);
    tf.dispose([x, ids, out]);
  });

  it('keeps int32 data int32', async () => {
    const x = tf.tensor1d([5, -2, 7], 'int32');
    const ids = tf.tensor1d([0, 0, 1], 'int32');
    const out = tf.unsortedSegmentSum(x, ids, 2);
    expect(out.dtype).toBe('int32');
    expect(Array.from(await out.data())).toEqual([3, 7]);
    tf.dispose([x, ids, out]);
  });

  it('matches the cpu backend on a rank-3 x', async () => {
    const rng = createRng(3);
    const xV = randn(40 * 3 * 5, 21);
    const idsV = Int32Array.from({ length: 40 }, () => rng.int(7));
    const run = () =>
      tf.unsortedSegmentSum(tf.tensor(xV, [40, 3, 5]), tf.tensor1d(idsV, 'int32'), 7);
    await expectWasmMatchesCpu(run);
  });

  it('sums over every id dim when segmentIds has rank 2 (TensorFlow semantics)', async () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const ids = tf.tensor2d([0, 1, 1, 0], [2, 2], 'int32');
    const out = segmentSum(x, ids, 2);
    // Segment 0 gets rows (0,0) and (1,1); segment 1 gets rows (0,1) and (1,0).
    expect(await out.array()).toEqual([
      [1 + 7, 2 + 8],
      [3 + 5, 4 + 6],
    ]);
    tf.dispose([x, ids, out]);
  });

  it('makes the gradient of gather work on wasm', async () => {
    const table = tf.tensor2d([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const idx = tf.tensor1d([2, 0, 2], 'int32');
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, idx)))(table);
    expect(await g.array()).toEqual([
      [1, 1],
      [0, 0],
      [2, 2],
    ]);
    tf.dispose([table, idx, g]);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const ids = tf.tensor1d([1, 1], 'int32');
    await expectFreesEverything([x, ids], () => tf.unsortedSegmentSum(x, ids, 2));
  });

  it('rejects segment ids that do not prefix x and bool data with InterpErrors', () => {
    const x = tf.zeros([3, 2]);
    const ids = tf.tensor1d([0, 1], 'int32');
    expect(() => segmentSum(x, ids, 2)).toThrow(InterpError);
    expect(() => segmentSum(x, ids, 2)).toThrow(/must be a prefix of x shape \[3,2\]/);
    const b = tf.tensor1d([true, false], 'bool');
    expect(() => segmentSum(b, ids, 2)).toThrow(/cast x first/);
    tf.dispose([x, ids, b]);
  });
});
