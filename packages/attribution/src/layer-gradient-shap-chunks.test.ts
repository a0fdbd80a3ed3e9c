import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultRowsPerChunk, maxRowsPerChunk } from './internal/batch-budget.js';
import { meanOverSampleRows } from './layer-gradient-shap.js';
import { CHUNKED_ITEM_SIZE, fakeThroughputClock } from './test-fake-clock.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

afterEach(() => {
  vi.restoreAllMocks();
});

// 2^15 values per item: 4 rows per default chunk, 32 at most; 2 items x 40 samples = 80 rows.
const D = CHUNKED_ITEM_SIZE;
const N_SAMPLES = 40;
const alphaOf = (row: number) => (row % 7) / 7;

describe('meanOverSampleRows (LayerGradientShap, NeuronGradientShap) chunks', () => {
  it('grows its chunks while they run faster per row; each item gets the mean of its rows', async () => {
    expect([defaultRowsPerChunk(D), maxRowsPerChunk(D)]).toEqual([4, 32]);
    const clock = fakeThroughputClock();
    // Item i is i + 1 everywhere, the baseline 0 and the noise 0: row r's point is alpha_r (i + 1).
    const x = tf.tidy(() => tf.mul(tf.ones([2, D]), tf.tensor2d([[1], [2]])));
    const baselines = tf.zeros([1, D]);
    const total = 2 * N_SAMPLES;
    const draws = {
      noise: new Float32Array(total * D),
      baselineIndices: new Int32Array(total),
      alphas: Float32Array.from({ length: total }, (_, r) => alphaOf(r)),
    };
    const run = () =>
      meanOverSampleRows(x, baselines, draws, N_SAMPLES, ({ points }, _start, count) => {
        clock.charge(count);
        // Every value of a row's point is the same, so its max is exact (a float32 mean is not).
        return tf.max(points, 1);
      });
    const mean = run();
    expect(clock.sizes).toEqual([4, 8, 16, 32, 20]);
    const expected = [0, 1].map((i) => {
      let s = 0;
      for (let k = 0; k < N_SAMPLES; k++) s += alphaOf(i * N_SAMPLES + k) * (i + 1);
      return s / N_SAMPLES;
    });
    const got = await mean.data();
    for (const i of [0, 1])
      expect(Math.abs(got[i]! - expected[i]!)).toBeLessThan(1e-6 * expected[i]!);
    mean.dispose();
    await expectNoLeakedTensors(() => run());
    tf.dispose([x, baselines]);
  });
});
