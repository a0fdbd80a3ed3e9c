import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { IntegratedGradients } from '../integrated-gradients.js';
import { fakeThroughputClock } from '../test-fake-clock.js';
import {
  CHUNK_VALUES_LIMIT,
  chunkSizing,
  defaultRowsPerChunk,
  LARGE_ITEM_ROWS,
  MAX_CHUNK_VALUES,
  MIN_SEARCH_ROWS,
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

  it('bounds small items at 2^20 input values, large ones at 32 rows, all at 2^22 values', () => {
    expect([MAX_CHUNK_VALUES, LARGE_ITEM_ROWS, CHUNK_VALUES_LIMIT]).toEqual([2 ** 20, 32, 2 ** 22]);
    // 2^20 / 784 = 1337 digits; 2^20 / 2^15 = 32; a 224 x 224 x 3 image: 2^22 / 150528 = 27.86;
    // 2^20 / 2^17 = 8 < 32 rows, and 2^22 / 2^17 = 32; 2^21 values: 2 rows; 2^23: one.
    expect(
      [784, 2 ** 15, 224 * 224 * 3, 2 ** 17, 2 ** 21, 2 ** 23].map((d) => maxRowsPerChunk(d)),
    ).toEqual([1337, 32, 27, 32, 2, 1]);
    expect(maxRowsPerChunk(0)).toBe(2 ** 20);
  });

  it('starts large items at 4 rows (their maximum if lower), small ones at the default', () => {
    const starts = [784, 2 ** 15, 224 * 224 * 3, 2 ** 21, 2 ** 23].map((d) => {
      const chunks = throughputChunksFor(d);
      return [chunks.next(), chunks.max];
    });
    expect(starts).toEqual([
      [167, 1337],
      [4, 32],
      [MIN_SEARCH_ROWS, 27],
      [2, 2],
      [1, 1],
    ]);
    // From 4 rows, a 224 x 224 x 3 image's chunks reach the most in three doublings.
    expect(sizesAsked(throughputChunksFor(224 * 224 * 3), (r) => 100 / r, 5)).toEqual([
      4, 8, 16, 27, 27,
    ]);
  });

  it("the bench hook 'before' sizes chunks as before: 1 row of an image first, 6 at most", () => {
    chunkSizing.force = 'before';
    try {
      const chunks = throughputChunksFor(224 * 224 * 3);
      expect([chunks.next(), chunks.max]).toEqual([1, 6]);
    } finally {
      chunkSizing.force = undefined;
    }
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

describe('IntegratedGradients with large items (the 2^22-value bound)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('runs 4-row chunks first, then the most (8 rows of 2^19 values), and integrates exactly', async () => {
    // f_c(x) = sum_j w_jc x_j^2 / 2: from a zero baseline, IG is w_jt x_j^2 / 2 exactly.
    const d = 2 ** 19;
    expect([throughputChunksFor(d).next(), maxRowsPerChunk(d)]).toEqual([4, 8]);
    const w = tf.randomNormal([d, 2], 0, 0.05, 'float32', 7);
    const x = tf.randomNormal([3, d], 0, 1, 'float32', 8);
    const clock = fakeThroughputClock();
    const model = (v: tf.Tensor) => {
      clock.charge(v.shape[0]!);
      return tf.tidy(() => tf.mul(tf.matMul(tf.square(v), w), 0.5));
    };
    const targets = [1, 0, 1];
    const ig = new IntegratedGradients(model);
    const before = tf.memory().numTensors;
    const a = await ig.attribute(x, { target: targets, nSteps: 7 });
    // One item counts a plain function's classes; then 3 items: 4 rows hold 1 step (3 rows),
    // 8 rows 2 steps (6 rows): 1 + 2 + 2 + 2 steps.
    expect(clock.sizes).toEqual([1, 3, 6, 6, 6]);
    const [got, xs, ws] = [await a.data(), await x.data(), await w.data()];
    let worst = 0;
    let largest = 0;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < d; j++) {
        const want = (ws[2 * j + targets[i]!]! * xs[i * d + j]! ** 2) / 2;
        largest = Math.max(largest, Math.abs(want));
        worst = Math.max(worst, Math.abs(got[i * d + j]! - want));
      }
    }
    expect(worst / largest).toBeLessThan(1e-5);
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });

  it('refuses a bad internalBatchSize, saying what it takes', async () => {
    const ig = new IntegratedGradients((v: tf.Tensor) => tf.sum(v, 1, true));
    const x = tf.ones([2, 4]);
    await expect(ig.attribute(x, { target: 0, internalBatchSize: 0 })).rejects.toThrow(
      /internalBatchSize/,
    );
    x.dispose();
  });
});
