import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActivationStats, activationStatsDefaults } from './activation-stats.js';
import { identityThenDeadModel, interpError, ownProps, x3Learner } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

// X3 = [0, 0.05, 0.3, 10, -1, 10.5]: mean 19.85 / 6; sample std (n - 1) 5.3976306530427465;
// near zero (<= 0.05): 0, 0.05, -1 -> 3/6; histc(40, 0, 10): 0 and 0.05 in bin 0 ([0, 0.25)),
// 0.3 in bin 1, 10 in bin 39 (the last bin includes 10); -1 and 10.5 are outside and not counted.
const X3_MEAN = 19.85 / 6;
const X3_STD = 5.3976306530427465;

describe('new ActivationStats(learn, { withHist, every })', () => {
  it('has the expected defaults', () => {
    expect(activationStatsDefaults).toEqual({ withHist: false, every: 1, includeParamless: false });
  });

  it('records mean, std, near-zero fraction and histogram per layer per training batch', async () => {
    const model = identityThenDeadModel();
    const learn = x3Learner(model, 2);
    const activs = new ActivationStats(learn, { withHist: true });
    // lr 0 keeps the weights, so every batch sees the same outputs.
    await learn.fit(1, { lr: 0 });
    activs.remove();
    const [identity, dead] = activs.statsByLayer();
    expect(identity!.layer).toBe('identity');
    expect(identity!.iterations).toEqual([0, 1]);
    for (let b = 0; b < 2; b++) {
      expect(identity!.mean[b]).toBeCloseTo(X3_MEAN, 5);
      expect(identity!.std[b]).toBeCloseTo(X3_STD, 5);
      expect(identity!.nearZero[b]).toBe(0.5);
      const h = Array.from(identity!.hist![b]!);
      const expected = new Array(40).fill(0);
      expected[0] = 2;
      expected[1] = 1;
      expected[39] = 1;
      expect(h).toEqual(expected);
    }
    // The dead layer always outputs zeros: near zero 1.0, all values in the lowest bin.
    expect(dead!.layer).toBe('dead');
    expect(dead!.mean).toEqual([0, 0]);
    expect(dead!.std).toEqual([0, 0]);
    expect(dead!.nearZero).toEqual([1, 1]);
    expect(dead!.hist![0]![0]).toBe(6);
    expect(activs.stats[0]![1]!.nearZero).toBe(1);
    expect(activs.layerStats('dead').nearZero).toEqual([1, 1]);
    // fastai's hist(idx): 40 x batches of log1p(count).
    const hist = activs.hist(0);
    expect(hist).toHaveLength(40);
    expect(hist[0]).toEqual([Math.log1p(2), Math.log1p(2)]);
    expect(hist[5]).toEqual([0, 0]);
  });

  it('records every `every`-th batch only and restarts at each fit', async () => {
    const learn = x3Learner(identityThenDeadModel(), 5);
    const activs = new ActivationStats(learn, { every: 2 });
    await learn.fit(1, { lr: 0 });
    expect(activs.statsByLayer()[0]!.iterations).toEqual([0, 2, 4]);
    expect(activs.statsByLayer()[0]!.hist).toBeUndefined();
    await learn.fit(2, { lr: 0 });
    // 10 batches over 2 epochs; iterations count across epochs, as fastai's train_iter.
    expect(activs.statsByLayer()[0]!.iterations).toEqual([0, 2, 4, 6, 8]);
    activs.remove();
  });

  it('ignores validation passes and keeps the user onBatchEnd working', async () => {
    const learn = x3Learner(identityThenDeadModel(), 2);
    const activs = new ActivationStats(learn);
    const seen: number[] = [];
    await learn.fit(1, { lr: 0, onBatchEnd: (i) => void seen.push(i) });
    expect(seen).toEqual([0, 1]);
    expect(activs.length).toBe(2);
    activs.remove();
  });

  it('leaves the model and the learner as they were after remove(), and leaks nothing', async () => {
    const model = identityThenDeadModel();
    const learn = x3Learner(model, 2);
    // Sequential builds its inner model on first use; snapshot after that.
    tf.dispose(model.predict(tf.zeros([1, 2])));
    const before = ownProps(model);
    const learnProps = Object.getOwnPropertyNames(learn).sort();
    await expectNoLeakedTensors(async () => {
      const activs = new ActivationStats(learn, { withHist: true });
      await learn.fit(1, { lr: 0 });
      activs.remove();
    });
    expect(ownProps(model)).toEqual(before);
    expect(Object.getOwnPropertyNames(learn).sort()).toEqual(learnProps);
    expect(learn.fit).toBe(Object.getPrototypeOf(learn).fit);
  });

  it('watches layers inside nested models', async () => {
    const inner = tfl.sequential({
      name: 'inner',
      layers: [
        tfl.layers.dense({
          units: 2,
          inputShape: [2],
          name: 'inner_dense',
          kernelInitializer: 'identity',
        }),
      ],
    });
    const input = tfl.input({ shape: [2] });
    const out = tfl.layers
      .dense({ units: 2, name: 'outer_dense', kernelInitializer: 'zeros' })
      .apply(inner.apply(input)) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const learn = x3Learner(model, 1);
    const activs = new ActivationStats(learn);
    await learn.fit(1, { lr: 0 });
    activs.remove();
    const stats = activs.statsByLayer();
    expect(stats.map((s) => s.layer)).toEqual(['inner_dense', 'outer_dense']);
    expect(stats[0]!.mean[0]).toBeCloseTo(X3_MEAN, 5);
    expect(stats[1]!.nearZero[0]).toBe(1);
    tf.dispose(model.weights.map((w) => w.read()));
  });

  it('rejects bad input with an InterpError saying what to do', () => {
    const learn = x3Learner(identityThenDeadModel(), 1);
    expect(() => new ActivationStats(learn, { every: 0 })).toThrow(
      interpError(/every must be >= 1/),
    );
    expect(() => new ActivationStats(learn, { layers: ['nope'] })).toThrow(
      interpError(/no layer named "nope"/),
    );
    expect(() => new ActivationStats({} as never)).toThrow(interpError(/needs a Learner/));
    const activs = new ActivationStats(learn);
    expect(() => activs.hist(0)).toThrow(interpError(/withHist: true/));
    expect(() => activs.layerStats('nope')).toThrow(interpError(/not watched/));
    activs.remove();
  });
});
