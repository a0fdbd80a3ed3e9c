import { arrayDataLoader, DataLoaders, Learner, mseLossPerItem, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { lrFind, lrFindDefaults, SMOOTH_BETA } from './lr-find.js';
import { interpError } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** y = 2x - 1 on 32 points, batches of 8, fitted by dense(1). */
function regression() {
  const n = 32;
  const x = Float32Array.from({ length: n }, (_, i) => i / n - 0.5);
  const y = x.map((v) => 2 * v - 1);
  const dl = arrayDataLoader(
    { data: x, shape: [n, 1] },
    { data: y, shape: [n, 1] },
    { batchSize: 8 },
  );
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })],
  });
  return Learner.fromLayersModel(model, { dls: new DataLoaders(dl, dl), lossFunc: mseLossPerItem });
}

async function weightsOf(learn: Learner) {
  return Promise.all(
    learn.layersModel!.weights.map(async (w) => Array.from(await w.read().data())),
  );
}

describe('lrFind(learn, { startLr, endLr, numIt, stopDiv, suggestFuncs })', () => {
  it('has the expected defaults', () => {
    expect(lrFindDefaults).toEqual({
      startLr: 1e-7,
      endLr: 10,
      numIt: 100,
      stopDiv: true,
      suggestFuncs: ['valley', 'slide', 'steep', 'minimum'],
    });
    expect(SMOOTH_BETA).toBe(0.98);
  });

  it('grows the lr exponentially, smooths the loss as fastai, and restores weights and recorder', async () => {
    const learn = regression();
    await learn.fit(1, { lr: 0.01 });
    const recorded = { losses: [...learn.recorder.losses], epochs: learn.recorder.epochs.length };
    const before = await weightsOf(learn);
    const r = await expectNoLeakedTensors(() =>
      lrFind(learn, { startLr: 1e-4, endLr: 1, numIt: 30, stopDiv: false }),
    );
    // 30 steps over 4 batches per epoch: 8 epochs started, 30 steps run.
    expect(r.lrs).toHaveLength(30);
    r.lrs.forEach((lr, i) => {
      expect(lr).toBeCloseTo(1e-4 * 1e4 ** (i / 30), 15);
    });
    // Debiased exponential moving average: avg_i = 0.98 avg_{i-1} + 0.02 loss_i; avg_i / (1 - 0.98^(i+1)).
    let avg = 0;
    r.rawLosses.forEach((loss, i) => {
      avg = 0.98 * avg + 0.02 * loss;
      expect(r.losses[i]).toBeCloseTo(avg / (1 - 0.98 ** (i + 1)), 10);
    });
    expect(r.losses[0]).toBeCloseTo(r.rawLosses[0]!, 6);
    expect(r.stoppedEarly).toBe(false);
    expect(await weightsOf(learn)).toEqual(before);
    expect(learn.recorder.losses).toEqual(recorded.losses);
    expect(learn.recorder.epochs).toHaveLength(recorded.epochs);
    // Suggestions use lrs[3:-5] (22 points): every method applies.
    for (const k of ['valley', 'slide', 'steep', 'minimum']) {
      expect(Number.isFinite(r.suggestions[k])).toBe(true);
      expect(r.lrs.slice(3, 25).map((l) => l / 10)).toContain(
        k === 'minimum' ? r.suggestions[k] : r.suggestions[k]! / 10,
      );
    }
  });

  it('stops when the smoothed loss passes 4x the best', async () => {
    const learn = regression();
    const r = await lrFind(learn, { startLr: 1e-3, endLr: 1e4, numIt: 100 });
    expect(r.stoppedEarly).toBe(true);
    expect(r.losses.length).toBeLessThan(100);
    const last = r.losses.at(-1)!;
    const bestBefore = Math.min(...r.losses.slice(0, -1));
    expect(last > 4 * bestBefore || !Number.isFinite(last)).toBe(true);
    // No earlier step passed 4x the best so far.
    let best = Number.POSITIVE_INFINITY;
    for (const l of r.losses.slice(0, -1)) {
      best = Math.min(best, l);
      expect(l).toBeLessThanOrEqual(4 * best);
    }
  });

  it('gives NaN and a warning for a method that lacks points', async () => {
    const learn = regression();
    // numIt 10: lrs[1:-5] leaves 4 points; slide needs 16.
    const r = await lrFind(learn, {
      numIt: 10,
      stopDiv: false,
      suggestFuncs: ['slide', 'minimum'],
    });
    expect(Object.keys(r.suggestions)).toEqual(['slide', 'minimum']);
    expect(r.suggestions.slide).toBeNaN();
    expect(r.warnings[0]).toMatch(/slide needs at least 16 points, got 4/);
    expect(r.suggestions.minimum).toBeGreaterThan(0);
  });

  it('rejects bad input with an InterpError saying what to do', async () => {
    const learn = regression();
    await expect(lrFind(learn, { startLr: 1, endLr: 0.1 })).rejects.toThrow(
      interpError(/endLr \(0.1\) must be larger/),
    );
    await expect(lrFind(learn, { numIt: 0 })).rejects.toThrow(interpError(/numIt must be >= 1/));
    await expect(lrFind(learn, { suggestFuncs: ['nope' as never] })).rejects.toThrow(
      interpError(/invalid suggestFuncs\[0\]/),
    );
    const fnLearn = new Learner((x: tf.Tensor) => tf.clone(x), { dls: learn.dls });
    await expect(lrFind(fnLearn)).rejects.toThrow(interpError(/tfjs-layers model/));
  });
});
