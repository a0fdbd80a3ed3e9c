import { createRng, setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultRowsPerChunk, maxRowsPerChunk } from './internal/batch-budget.js';
import { NoiseTunnel } from './noise-tunnel.js';
import { CHUNKED_ITEM_SIZE, fakeThroughputClock } from './test-fake-clock.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

afterEach(() => {
  vi.restoreAllMocks();
});

// 2^15 values per item: 4 rows per default chunk, 32 at most, so 80 noisy rows need several chunks.
const D = CHUNKED_ITEM_SIZE;
const N_SAMPLES = 40;
const STDEV = 0.3;
const SEED = 5;

/** f(x) = [sum x^2, sum x] per item: the class-0 gradient is 2x. */
const quadratic = (x: tf.Tensor) =>
  tf.tidy(() => tf.stack([tf.sum(tf.square(x), 1), tf.sum(x, 1)], 1));

function inputs(): Float32Array {
  const v = new Float32Array(2 * D);
  for (let k = 0; k < v.length; k++) v[k] = Math.sin(k * 0.37);
  return v;
}

/** SmoothGrad of f = sum x^2 (gradient 2x) from the documented noise order, by hand in float64. */
function expectedMean(x: Float32Array): Float64Array {
  const rng = createRng(SEED);
  const sum = new Float64Array(2 * D);
  for (let i = 0; i < 2; i++)
    for (let s = 0; s < N_SAMPLES; s++)
      for (let j = 0; j < D; j++) sum[i * D + j]! += 2 * (x[i * D + j]! + STDEV * rng.normal());
  return sum.map((v) => v / N_SAMPLES);
}

describe('NoiseTunnel chunks sized by throughput', () => {
  it('grows its chunks while they run faster per row and gives the fixed-batch numbers', async () => {
    expect([defaultRowsPerChunk(D), maxRowsPerChunk(D)]).toEqual([4, 32]);
    const clock = fakeThroughputClock();
    const tunnel = new NoiseTunnel(quadratic, (x: tf.Tensor) => {
      clock.charge(x.shape[0]!);
      return tf.mul(x, 2);
    });
    const xv = inputs();
    const x = tf.tensor2d(xv, [2, D]);
    const opts = { nSamples: N_SAMPLES, stdevs: STDEV, randomState: SEED, target: 0 } as const;
    const sized = await tunnel.attribute(x, opts);
    expect(clock.sizes).toEqual([4, 8, 16, 32, 20]);
    const one = await tunnel.attribute(x, { ...opts, internalBatchSize: 1 });
    const all = await tunnel.attribute(x, { ...opts, internalBatchSize: 2 * N_SAMPLES });
    const s = await sized.data();
    const scale = Math.max(...Array.from(s, Math.abs));
    expect(maxAbsDiff(s, await one.data()) / scale).toBeLessThan(1e-6);
    expect(maxAbsDiff(s, await all.data()) / scale).toBeLessThan(1e-6);
    expect(maxAbsDiff(s, expectedMean(xv)) / scale).toBeLessThan(1e-6);
    tf.dispose([x, sized, one, all]);
  });

  it('leaks no tensors with throughput-sized chunks', async () => {
    const tunnel = new NoiseTunnel(quadratic, (x: tf.Tensor) => tf.mul(x, 2));
    const x = tf.tensor2d(inputs(), [2, D]);
    await expectNoLeakedTensors(() =>
      tunnel.attribute(x, { nSamples: 6, stdevs: STDEV, randomState: SEED, target: 0 }),
    );
    x.dispose();
  });
});
