import { isInterpError, setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradientTimesInput } from './gradient-times-input.js';
import { saliencyMap } from './saliency-map.js';
import { expectInterpRejections } from './test-interp-errors.js';
import {
  LINEAR_W,
  learnerFor,
  linearLayersModel,
  linearModel,
  LINEAR_X as X,
} from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const column = (k: number) => LINEAR_W.map((row) => row[k]!);

describe('saliencyMap', () => {
  it('saliencyMap(linear, x) is |w| of the predicted class, per item (batch 1 and N)', async () => {
    const x = tf.tensor2d(X);
    // Predicted classes by hand: row 0 scores [7.6, -5.2, -4.45] -> 0; row 1 [-1.9, 6.925, 12.3] -> 2.
    const sal = await saliencyMap(learnerFor(linearLayersModel()), x);
    expect(maxAbsDiff(await sal.data(), [...column(0), ...column(2)].map(Math.abs))).toBeLessThan(
      1e-6,
    );
    const one = tf.slice(x, 0, 1);
    const sal1 = await saliencyMap(linearModel(), one, { target: 1, abs: false });
    expect(maxAbsDiff(await sal1.data(), column(1))).toBeLessThan(1e-6);
    tf.dispose([x, sal, one, sal1]);
  });

  it('saliencyMap(model, x, { target: [..] }) takes one class per item', async () => {
    const x = tf.tensor2d(X);
    const sal = await saliencyMap(linearModel(), x, { target: [1, 1], abs: false });
    expect(maxAbsDiff(await sal.data(), [...column(1), ...column(1)])).toBeLessThan(1e-6);
    tf.dispose([x, sal]);
  });

  it('rejects bad input with InterpError', async () => {
    const x = tf.tensor2d(X);
    const cases: [() => Promise<unknown>, RegExp][] = [
      [() => saliencyMap(linearModel(), x, { target: 3 }), /target = 3 is out of range/],
      [
        () => saliencyMap(linearModel(), x, { target: [0, -1] }),
        /target\[1\] = -1 is out of range/,
      ],
      [() => saliencyMap(linearModel(), x, { target: 0.5 }), /integer class index/],
      [() => saliencyMap(linearModel(), tf.tensor1d([1, 2])), /pass a batch/],
      [
        () => saliencyMap({} as never, x),
        /must be a Learner, a tfjs-layers LayersModel, a ModelGraph .* or a function/,
      ],
      [() => saliencyMap(linearModel(), [1, 2] as never), /x must be a tfjs tensor/],
    ];
    await expectInterpRejections(cases);
    tf.dispose(x);
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d(X);
    const model = linearLayersModel();
    await expectNoLeakedTensors(() => saliencyMap(model, x));
    await expectNoLeakedTensors(() => saliencyMap(linearModel(), x, { target: 7 }).catch(() => 0));
    const xi = tf.tensor2d(
      X.map((r) => r.map(Math.round)),
      undefined,
      'int32',
    );
    await expectNoLeakedTensors(() => saliencyMap(linearModel(), xi, { target: 0 }));
    tf.dispose([x, xi]);
  });
});

describe('gradientTimesInput', () => {
  it('gradientTimesInput(linear, x) is w * x for the target', async () => {
    const x = tf.tensor2d(X);
    const gxi = await gradientTimesInput(linearModel(), x, { target: [2, 0] });
    const expected = [
      ...X[0]!.map((v, j) => v * column(2)[j]!),
      ...X[1]!.map((v, j) => v * column(0)[j]!),
    ];
    expect(maxAbsDiff(await gxi.data(), expected)).toBeLessThan(1e-6);
    tf.dispose([x, gxi]);
  });

  it('rejects bad input with InterpError', async () => {
    const x = tf.tensor2d(X);
    const e = await gradientTimesInput(linearLayersModel(), tf.zeros([2, 3])).catch((err) => err);
    expect(isInterpError(e)).toBe(true);
    expect((e as Error).message).toMatch(/x has shape \[2, 3\] but the model expects \[N, 4\]/);
    const e2 = await gradientTimesInput(linearModel(), x, { target: [1, 2, 3] }).catch(
      (err) => err,
    );
    expect((e2 as Error).message).toMatch(/3 entries for 2 items/);
    tf.dispose(x);
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d(X);
    await expectNoLeakedTensors(() => gradientTimesInput(linearModel(), x));
    tf.dispose(x);
  });
});
