import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LayerConductance } from '../layer-conductance.js';
import { CHUNKED_ITEM_SIZE, fakeThroughputClock } from '../test-fake-clock.js';
import { defaultRowsPerChunk, maxRowsPerChunk } from './batch-budget.js';
import { sumOverPasses } from './path-integral.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

afterEach(() => {
  vi.restoreAllMocks();
});

// 2^15 values per item: 4 rows per default pass, 32 at most.
const D = CHUNKED_ITEM_SIZE;

describe('sumOverPasses', () => {
  it('sizes passes by measured throughput without internalBatchSize, by it with', () => {
    expect([defaultRowsPerChunk(D), maxRowsPerChunk(D)]).toEqual([4, 32]);
    const clock = fakeThroughputClock();
    const x = tf.zeros([2, D]);
    const run = (batch: number | undefined) => {
      const passes: number[] = [];
      const total = sumOverPasses(x, 51, batch, (k0, count) => {
        passes.push(count);
        clock.charge(2 * count);
        return tf.scalar(k0 + count - 1);
      });
      // Each pass adds its last point's index: the passes end at the running sums of counts.
      const ends = passes.map((_, i) => passes.slice(0, i + 1).reduce((a, b) => a + b) - 1);
      expect(total.dataSync()[0]).toBe(ends.reduce((a, b) => a + b));
      total.dispose();
      return passes;
    };
    // 2 items: 4 rows are 2 steps, then 4, 8 and 16 steps (32 rows, the most) while faster.
    expect(run(undefined)).toEqual([2, 4, 8, 16, 16, 5]);
    expect(run(6)).toEqual([...new Array<number>(17).fill(3)]);
    x.dispose();
  });
});

/** x -> tanh(x W1) W2: smooth, so the path integral over 51 Gauss-Legendre points is complete. */
function smoothModel(): tfl.LayersModel {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [D], units: 4, activation: 'tanh', name: 'hidden' }),
      tfl.layers.dense({ units: 2, name: 'out' }),
    ],
  });
  const w1 = new Float32Array(D * 4).map((_, k) => Math.sin(k * 0.61) / 64);
  m.layers[0]!.setWeights([tf.tensor2d(w1, [D, 4]), tf.tensor1d([0.1, -0.2, 0.3, 0])]);
  m.layers[1]!.setWeights([
    tf.tensor2d([1, -1, 0.5, 2, -0.7, 0.3, 1.5, -0.2], [4, 2]),
    tf.tensor1d([0, 0]),
  ]);
  return m;
}

describe('LayerConductance with throughput-sized passes', () => {
  it('gives the numbers of one step per pass and of one pass, and is complete', async () => {
    const model = smoothModel();
    const lc = new LayerConductance(model, { layer: 'hidden' });
    const x = tf.tidy(() => tf.reshape(tf.mul(tf.sin(tf.range(0, 2 * D)), 2), [2, D]));
    const opts = { target: 0, returnConvergenceDelta: true } as const;
    const sized = await lc.attribute(x, opts);
    const one = await lc.attribute(x, { ...opts, internalBatchSize: 1 });
    const all = await lc.attribute(x, { ...opts, internalBatchSize: 2 * 51 });
    const s = await sized.attributions.data();
    const scale = Math.max(...Array.from(s, Math.abs));
    expect(maxAbsDiff(s, await one.attributions.data()) / scale).toBeLessThan(1e-6);
    expect(maxAbsDiff(s, await all.attributions.data()) / scale).toBeLessThan(1e-6);
    // Completeness, sum of attributions = f(x) - f(0), whatever the passes: conductance's sum of
    // gradient x activation steps is first order in 1 / nSteps (measured 1.4e-3 at 50 steps).
    const delta = await sized.delta.data();
    expect(Math.max(...Array.from(delta, Math.abs)) / scale).toBeLessThan(1e-2);
    await expectNoLeakedTensors(async () => {
      const r = await lc.attribute(x, { target: 0 });
      r.dispose();
    });
    tf.dispose([x, sized.attributions, sized.delta, one.attributions, one.delta]);
    tf.dispose([all.attributions, all.delta]);
    model.dispose();
  });
});
