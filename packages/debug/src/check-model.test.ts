import {
  arrayDataLoader,
  DataLoaders,
  Learner,
  learnerFromFunction,
  setupBackend,
} from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkModel, checkModelDefaults } from './check-model.js';
import { blobs, interpError } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

function classifier(opts: { zeroSecond?: boolean; vocab?: string[]; units?: number } = {}) {
  const { x, y } = blobs(32);
  const dl = arrayDataLoader(x, y, { batchSize: 16 });
  const m = tfl.sequential();
  m.add(
    tfl.layers.dense({
      units: 4,
      inputShape: [2],
      activation: 'relu',
      name: 'first',
      biasInitializer: 'ones',
    }),
  );
  m.add(
    tfl.layers.dense({
      units: opts.units ?? 2,
      name: 'second',
      ...(opts.zeroSecond ? { kernelInitializer: 'zeros' } : {}),
    }),
  );
  return Learner.fromLayersModel(m, {
    dls: new DataLoaders(dl, dl),
    vocab: opts.vocab ?? ['a', 'b'],
  });
}

const statusOf = (r: Awaited<ReturnType<typeof checkModel>>) =>
  Object.fromEntries(r.checks.map((c) => [c.name, c.status]));

describe('checkModel(learn, { lr, steps })', () => {
  it('has the expected defaults', () => {
    expect(checkModelDefaults).toEqual({ lr: 1e-3, steps: 10 });
  });

  it('passes a healthy classifier and leaves its weights as they were', async () => {
    const learn = classifier();
    const before = await Promise.all(learn.layersModel!.weights.map((w) => w.read().array()));
    const r = await expectNoLeakedTensors(() => checkModel(learn));
    expect(statusOf(r)).toEqual({
      'finite outputs': 'passed',
      'finite loss': 'passed',
      'output size matches vocab': 'passed',
      'gradients reach every trainable layer': 'passed',
      'loss decreases when overfitting one batch': 'passed',
    });
    expect(r.passed).toBe(true);
    expect(r.text).toMatch(/^\[PASS\] finite outputs/);
    expect(r.text).toMatch(/All checks passed.\n$/);
    expect(await Promise.all(learn.layersModel!.weights.map((w) => w.read().array()))).toEqual(
      before,
    );
  });

  it('fails the gradient check by name when a zero weight path blocks the first layer', async () => {
    // second's kernel is 0, so d loss / d first = 0 (only second's bias and kernel get gradient).
    const r = await checkModel(classifier({ zeroSecond: true }));
    const g = r.checks.find((c) => c.name === 'gradients reach every trainable layer')!;
    expect(g.status).toBe('failed');
    expect(g.message).toMatch(/no gradient reaches first \(/);
    expect(g.message).not.toMatch(/second/);
    expect(r.passed).toBe(false);
    expect(r.text).toMatch(/1 check\(s\) failed/);
  });

  it('fails when the output size does not match the vocab, saying how many units to use', async () => {
    const r = await checkModel(classifier({ vocab: ['a', 'b', 'c'] }));
    const c = r.checks.find((x) => x.name === 'output size matches vocab')!;
    expect(c.status).toBe('failed');
    expect(c.message).toBe(
      'the model outputs 2 scores per item but the vocab has 3 classes; give the last layer 3 units',
    );
  });

  it('fails on NaN outputs and skips the training checks', async () => {
    const learn = classifier();
    const k = learn.layersModel!.layers[1]!;
    k.setWeights([tf.fill([4, 2], Number.NaN), tf.zeros([2])]);
    const r = await checkModel(learn);
    expect(statusOf(r)).toMatchObject({
      'finite outputs': 'failed',
      'finite loss': 'failed',
      'gradients reach every trainable layer': 'skipped',
      'loss decreases when overfitting one batch': 'skipped',
    });
    expect(r.checks[0]!.message).toMatch(/outputs hold 32 NaN and 0 infinite values/);
  });

  it('skips what a plain-function model cannot do', async () => {
    const dl = arrayDataLoader({ data: [0, 1, 1, 0], shape: [2, 2] }, { data: [1, 0], shape: [2] });
    const learn = learnerFromFunction((x) => tf.clone(x), { dls: new DataLoaders(dl, dl) });
    const r = await checkModel(learn);
    expect(statusOf(r)).toEqual({
      'finite outputs': 'passed',
      'finite loss': 'passed',
      'output size matches vocab': 'skipped',
      'gradients reach every trainable layer': 'skipped',
      'loss decreases when overfitting one batch': 'skipped',
    });
    expect(r.passed).toBe(true);
  });

  it('rejects bad input with an InterpError', async () => {
    await expect(checkModel({} as never)).rejects.toThrow(interpError(/needs a Learner/));
    await expect(checkModel(classifier(), { lr: -1 })).rejects.toThrow(
      interpError(/lr must be in/),
    );
    await expect(checkModel(classifier(), { steps: 0 })).rejects.toThrow(
      interpError(/steps must be >= 1/),
    );
  });
});
