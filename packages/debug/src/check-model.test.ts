import {
  arrayDataLoader,
  crossEntropyFromProbsPerItem,
  crossEntropyPerItem,
  DataLoaders,
  Learner,
  learnerFromFunction,
  mseLossPerItem,
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
      'finite weights': 'passed',
      'finite outputs': 'passed',
      'loss fits the output activation': 'passed',
      'finite loss': 'passed',
      'output size matches vocab': 'passed',
      'gradients reach every trainable layer': 'passed',
      'loss decreases when overfitting one batch': 'passed',
    });
    expect(r.passed).toBe(true);
    expect(r.text).toMatch(/^\[PASS\] finite weights/);
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
      'finite weights': 'failed',
      'finite outputs': 'failed',
      'finite loss': 'failed',
      'gradients reach every trainable layer': 'skipped',
      'loss decreases when overfitting one batch': 'skipped',
    });
    expect(r.checks[0]!.message).toMatch(/non-finite \(NaN or infinite\) weights in second \(8\);/);
    expect(r.checks[1]!.message).toMatch(/outputs hold 32 NaN and 0 infinite values/);
  });

  it('fails a model ending in softmax trained with cross-entropy from logits, saying what to use', async () => {
    const { x, y } = blobs(32);
    const dl = arrayDataLoader(x, y, { batchSize: 16 });
    const model = () =>
      tfl.sequential({
        layers: [tfl.layers.dense({ units: 2, inputShape: [2], activation: 'softmax' })],
      });
    const dls = new DataLoaders(dl, dl);
    const softmaxLearner = Learner.fromLayersModel(model(), { dls, lossFunc: crossEntropyPerItem });
    const wrong = await expectNoLeakedTensors(() => checkModel(softmaxLearner));
    const c = wrong.checks.find((k) => k.name === 'loss fits the output activation')!;
    expect(c.status).toBe('failed');
    expect(c.message).toMatch(/already probabilities .* applies softmax again/);
    expect(c.message).toMatch(/crossEntropyFromProbsPerItem, or drop the final softmax/);
    expect(wrong.passed).toBe(false);
    expect(wrong.text).not.toMatch(/All checks passed/);
    // The default loss follows the softmax, so the same model with no lossFunc passes.
    const right = await checkModel(Learner.fromLayersModel(model(), { dls }));
    expect(statusOf(right)['loss fits the output activation']).toBe('passed');
    const mse = await checkModel(
      Learner.fromLayersModel(model(), { dls, lossFunc: mseLossPerItem }),
    );
    expect(statusOf(mse)['loss fits the output activation']).toBe('skipped');
    // A loss from probabilities on logits is the opposite mistake.
    const logits = await checkModel(classifier({}));
    expect(statusOf(logits)['loss fits the output activation']).toBe('passed');
    const flipped = Learner.fromLayersModel(classifier().layersModel!, {
      dls,
      lossFunc: crossEntropyFromProbsPerItem,
    });
    const f = (await checkModel(flipped)).checks.find(
      (k) => k.name === 'loss fits the output activation',
    )!;
    expect(f.status).toBe('failed');
    expect(f.message).toMatch(/expects rows in \[0, 1\] summing to 1 but the outputs are not/);
  });

  it('fails on a NaN weight hidden behind max-pool and ReLU, naming the layer', async () => {
    // 6x6x1 images of ones; conv 3x3 (2 filters) -> max-pool 2 -> ReLU -> dense 2.
    const n = 4;
    const dl = arrayDataLoader(
      { data: new Float32Array(n * 36).fill(1), shape: [n, 6, 6, 1] },
      { data: Int32Array.from([0, 1, 0, 1]), shape: [n] },
      { batchSize: n },
    );
    const m = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [6, 6, 1], name: 'conv' }),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.activation({ activation: 'relu' }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 2, name: 'head' }),
      ],
    });
    const [kernel, bias] = m.layers[0]!.getWeights();
    const k = kernel!.bufferSync();
    k.set(Number.NaN, 1, 1, 0, 0);
    m.layers[0]!.setWeights([k.toTensor(), bias!]);
    const r = await checkModel(
      Learner.fromLayersModel(m, { dls: new DataLoaders(dl, dl), vocab: ['a', 'b'] }),
    );
    const w = r.checks.find((c) => c.name === 'finite weights')!;
    expect(w.status).toBe('failed');
    expect(w.message).toMatch(/weights in conv \(1\);/);
    expect(w.message).not.toMatch(/head/);
    // Our wasm MaxPool keeps the NaN (tfjs-backend-wasm's made it -Infinity, then ReLU made it 0).
    expect(statusOf(r)['finite outputs']).toBe('failed');
    expect(r.passed).toBe(false);
  });

  it('skips what a plain-function model cannot do', async () => {
    const dl = arrayDataLoader({ data: [0, 2, 1, 0], shape: [2, 2] }, { data: [1, 0], shape: [2] });
    const learn = learnerFromFunction((x) => tf.clone(x), { dls: new DataLoaders(dl, dl) });
    const r = await checkModel(learn);
    expect(statusOf(r)).toEqual({
      'finite weights': 'skipped',
      'finite outputs': 'passed',
      'loss fits the output activation': 'passed',
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
