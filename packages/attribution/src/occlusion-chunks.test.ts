import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultRowsPerChunk, maxRowsPerChunk } from './internal/batch-budget.js';
import { Occlusion } from './occlusion.js';
import { CHUNKED_ITEM_SIZE, fakeThroughputClock } from './test-fake-clock.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

afterEach(() => {
  vi.restoreAllMocks();
});

// 2^15 values per item: 4 rows (2 windows of 2 items) per default pass, 32 rows at most.
const D = CHUNKED_ITEM_SIZE;
const W = 512;
// Small integers: every sum below is exact in float32.
const valueAt = (k: number) => (k % 7) - 3;

/** Occlusion of f = sum x with baseline 0 and disjoint windows: each value gets its window's sum. */
function expected(): number[] {
  const out: number[] = [];
  for (let i = 0; i < 2; i++)
    for (let w = 0; w < D / W; w++) {
      let s = 0;
      for (let j = w * W; j < (w + 1) * W; j++) s += valueAt(i * D + j);
      for (let j = 0; j < W; j++) out.push(s);
    }
  return out;
}

describe('Occlusion with throughput-sized passes', () => {
  it('grows its passes while they run faster per row and gives the fixed-pass numbers', async () => {
    expect([defaultRowsPerChunk(D), maxRowsPerChunk(D)]).toEqual([4, 32]);
    const clock = fakeThroughputClock();
    const model = (x: tf.Tensor) => {
      clock.charge(x.shape[0]!);
      return tf.reshape(tf.sum(x, 1), [-1, 1]);
    };
    const occ = new Occlusion(model);
    const x = tf.tensor2d(
      Float32Array.from({ length: 2 * D }, (_, k) => valueAt(k)),
      [2, D],
    );
    const opts = { target: 0, slidingWindowShapes: [W], strides: [W] };
    const sized = await occ.attribute(x, opts);
    // 64 windows: 2, 4, 8, 16 per pass while faster, then 16 (32 rows, the most) and the rest.
    expect(clock.sizes.slice(-7)).toEqual([4, 8, 16, 32, 32, 32, 4]);
    const want = expected();
    expect(Array.from(await sized.data())).toEqual(want);
    for (const perturbationsPerEval of [1, 64]) {
      const fixed = await occ.attribute(x, { ...opts, perturbationsPerEval });
      expect(Array.from(await fixed.data())).toEqual(want);
      fixed.dispose();
    }
    await expectNoLeakedTensors(() => occ.attribute(x, opts));
    tf.dispose([x, sized]);
  });
});
