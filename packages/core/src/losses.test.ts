import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { InterpError } from './errors.js';
import {
  binaryCrossEntropyPerItem,
  crossEntropyFromProbsPerItem,
  crossEntropyPerItem,
  mseLossPerItem,
} from './losses.js';
import { expectNoLeakedTensors } from './testing.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const values = async (t: tf.Tensor) => {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
};

describe('crossEntropyPerItem(logits, targets)', () => {
  it('equals -log_softmax at the target, one value per item', async () => {
    const logits = tf.tensor2d([
      [0, 0],
      [1, 2],
    ]);
    const t = tf.tensor1d([1, 0], 'int32');
    const got = await values(crossEntropyPerItem(logits, t));
    // ln 2; and -log(e^1 / (e^1 + e^2)) = log(1 + e)
    expect(got[0]).toBeCloseTo(Math.LN2, 6);
    expect(got[1]).toBeCloseTo(Math.log(1 + Math.E), 6);
    tf.dispose([logits, t]);
  });

  it('is stable for large logits (no Infinity or NaN)', async () => {
    const logits = tf.tensor2d([[1000, 0, -1000]]);
    const t = tf.tensor1d([1], 'int32');
    const [v] = await values(crossEntropyPerItem(logits, t));
    expect(v).toBeCloseTo(1000, 3);
    tf.dispose([logits, t]);
  });

  it('averages over pixels for masks [N, H, W, C]', async () => {
    // Item 0: 2 pixels of equal logits (ln 2 each). Item 1: pixel losses ln(1+e) and ln 2.
    const logits = tf.tensor4d([0, 0, 0, 0, 1, 2, 5, 5], [2, 1, 2, 2]);
    const t = tf.tensor3d([1, 0, 0, 1], [2, 1, 2], 'int32');
    const got = await values(crossEntropyPerItem(logits, t));
    expect(got[0]).toBeCloseTo(Math.LN2, 6);
    expect(got[1]).toBeCloseTo((Math.log(1 + Math.E) + Math.LN2) / 2, 6);
    tf.dispose([logits, t]);
  });

  it('rejects targets that do not fit the scores', () => {
    const logits = tf.tensor2d([[0, 0]]);
    const t = tf.tensor1d([1, 0], 'int32');
    expect(() => crossEntropyPerItem(logits, t)).toThrow(InterpError);
    expect(() => crossEntropyPerItem(logits, t)).toThrow(/one class index per item/);
    tf.dispose([logits, t]);
  });

  it('leaks no tensors; activation is softmax, decodes is argmax (ties to the lower index)', async () => {
    const logits = tf.tensor2d([
      [3, 3, 1],
      [0, 1, 1],
    ]);
    const t = tf.tensor1d([0, 2], 'int32');
    await expectNoLeakedTensors(() => crossEntropyPerItem(logits, t));
    const p = crossEntropyPerItem.activation(logits);
    const d = crossEntropyPerItem.decodes(p);
    expect(await values(d)).toEqual([0, 1]);
    const pv = await values(p);
    expect(pv[0]! + pv[1]! + pv[2]!).toBeCloseTo(1, 6);
    tf.dispose([logits, t]);
  });
});

describe('crossEntropyFromProbsPerItem(probs, targets)', () => {
  it('is -ln(max(p[target], 1e-12))', async () => {
    const p = tf.tensor2d([
      [0.2, 0.8],
      [1, 0],
    ]);
    const t = tf.tensor1d([0, 1], 'int32');
    const got = await values(crossEntropyFromProbsPerItem(p, t));
    expect(got[0]).toBeCloseTo(-Math.log(0.2), 5);
    expect(got[1]).toBeCloseTo(-Math.log(1e-12), 3);
    await expectNoLeakedTensors(() => crossEntropyFromProbsPerItem(p, t));
    tf.dispose([p, t]);
  });
});

describe('binaryCrossEntropyPerItem(logits, targets)', () => {
  it('is the stable logistic loss averaged over labels', async () => {
    const x = tf.tensor2d([
      [0, 2],
      [-30, 30],
    ]);
    const t = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const got = await values(binaryCrossEntropyPerItem(x, t));
    expect(got[0]).toBeCloseTo((Math.LN2 + 2 + Math.log1p(Math.exp(-2))) / 2, 5);
    expect(got[1]).toBeCloseTo(Math.log1p(Math.exp(-30)), 6);
    await expectNoLeakedTensors(() => binaryCrossEntropyPerItem(x, t));
    expect(() => binaryCrossEntropyPerItem(x, tf.zeros([2, 3]))).toThrow(/differ in shape/);
    tf.dispose([x, t]);
  });
});

describe('mseLossPerItem(preds, targets)', () => {
  it('is the mean squared error per item; accepts [N] targets for [N, 1] outputs', async () => {
    const p = tf.tensor2d([
      [1, 2],
      [3, 3],
    ]);
    const t = tf.tensor2d([
      [0, 0],
      [3, 1],
    ]);
    expect(await values(mseLossPerItem(p, t))).toEqual([2.5, 2]);
    const p1 = tf.tensor2d([[2], [0]]);
    const t1 = tf.tensor1d([1, 0]);
    expect(await values(mseLossPerItem(p1, t1))).toEqual([1, 0]);
    await expectNoLeakedTensors(() => mseLossPerItem(p, t));
    expect(() => mseLossPerItem(p, tf.zeros([3, 2]))).toThrow(InterpError);
    tf.dispose([p, t, p1, t1]);
  });
});
