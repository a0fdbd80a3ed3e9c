import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { IntegratedGradients } from '../integrated-gradients.js';
import {
  defaultRowsPerChunk,
  MAX_CHUNK_VALUES,
  maxRowsPerChunk,
  ThroughputChunks,
  throughputChunksFor,
} from './batch-budget.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** Feeds `chunks` the per-row cost `msPerRow(rows)` and returns the sizes it asked for. */
function sizesAsked(chunks: ThroughputChunks, msPerRow: (rows: number) => number, calls: number) {
  const sizes: number[] = [];
  for (let i = 0; i < calls; i++) {
    const rows = chunks.next();
    sizes.push(rows);
    chunks.record(rows, rows * msPerRow(rows));
  }
  return sizes;
}

describe('ThroughputChunks', () => {
  it('doubles while chunks run faster per row, then keeps the fastest size', () => {
    // 10 ms per row at 1 row, 6 at 2, 4 at 4, 4.5 at 8: 4 rows is fastest.
    const cost = (rows: number) => ({ 1: 10, 2: 6, 4: 4, 8: 4.5 })[rows]!;
    expect(sizesAsked(new ThroughputChunks(1, 64), cost, 7)).toEqual([1, 2, 4, 8, 4, 4, 4]);
  });

  it('never exceeds its maximum, even when larger is always faster', () => {
    expect(sizesAsked(new ThroughputChunks(3, 20), (r) => 100 / r, 6)).toEqual([
      3, 6, 12, 20, 20, 20,
    ]);
  });

  it('stays at the start size when doubling is not 5% faster per row', () => {
    expect(sizesAsked(new ThroughputChunks(2, 64), (r) => (r === 2 ? 1 : 0.97), 4)).toEqual([
      2, 4, 2, 2,
    ]);
  });

  it('ignores nonsense timings and clamps its start to [1, max]', () => {
    const chunks = new ThroughputChunks(0, 8);
    expect(chunks.next()).toBe(1);
    chunks.record(1, Number.NaN);
    chunks.record(0, 5);
    expect(chunks.next()).toBe(1);
    expect(new ThroughputChunks(50, 8).next()).toBe(8);
  });

  it('throughputChunksFor starts at the default rows and grows to the most', () => {
    const chunks = throughputChunksFor(2 ** 15);
    expect([chunks.next(), chunks.max]).toEqual([4, 32]);
  });

  it('bounds chunks at 2^20 input values: 6 rows of a 224 x 224 x 3 image', () => {
    expect(MAX_CHUNK_VALUES).toBe(2 ** 20);
    expect([
      maxRowsPerChunk(224 * 224 * 3),
      maxRowsPerChunk(784),
      maxRowsPerChunk(2 ** 21),
    ]).toEqual([6, 1337, 1]);
  });

  it('lets a threaded backend reach twice the values: 13 rows of a 224 x 224 x 3 image', () => {
    expect([
      maxRowsPerChunk(224 * 224 * 3, 2),
      maxRowsPerChunk(224 * 224 * 3, 8),
      maxRowsPerChunk(224 * 224 * 3, 1),
      maxRowsPerChunk(2 ** 22, 2),
    ]).toEqual([13, 13, 6, 1]);
    expect(throughputChunksFor(2 ** 15, 2).max).toBe(64);
    // The one-thread backend set up above: the default thread count is its own.
    expect(throughputChunksFor(2 ** 15).max).toBe(32);
  });
});

describe('IntegratedGradients with throughput-sized chunks', () => {
  it('gives the same attributions as fixed one-row and all-rows batches, leaking nothing', async () => {
    // 2^15 values per item: the default chunk is 4 rows, so 3 items x 30 steps take several chunks.
    const d = 2 ** 15;
    expect(defaultRowsPerChunk(d)).toBe(4);
    const w = tf.randomNormal([d, 3], 0, 0.05, 'float32', 5);
    const model = (x: tf.Tensor) => tf.tidy(() => tf.matMul(tf.tanh(x), w));
    const x = tf.randomNormal([3, d], 0, 1, 'float32', 6);
    const ig = new IntegratedGradients(model);
    await expectNoLeakedTensors(() => ig.attribute(x, { target: [0, 2, 1], nSteps: 30 }));
    const sized = await ig.attribute(x, { target: [0, 2, 1], nSteps: 30 });
    for (const internalBatchSize of [1, 90]) {
      const fixed = await ig.attribute(x, { target: [0, 2, 1], nSteps: 30, internalBatchSize });
      // Float32 sums over steps in a different grouping: equal to rounding.
      expect(maxAbsDiff(await sized.data(), await fixed.data())).toBeLessThan(1e-6);
      fixed.dispose();
    }
    tf.dispose([sized, x, w]);
  });
});
