import { createRng, isInterpError, type RandomGenerator, setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ShapleyValueSampling, shapleyValueSamplingDefaults } from './shapley-value-sampling.js';
import { ShapleyValues, shapleyValuesDefaults } from './shapley-values.js';
import {
  captumCase,
  captumFixturePath,
  captumTensor,
  expectCloseToCaptum,
  isCaptumTensor,
  readCaptumCases,
} from './test-captum-cases.js';
import { linearModel } from './test-models.js';
import { interactionModel, interactionShapley, X6 } from './test-shapley-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** A generator that hands out `orders` in turn (Captum's recorded torch.randperm draws). */
function replay(orders: number[][]): RandomGenerator {
  let next = 0;
  return { ...createRng(0), permutation: () => Int32Array.from(orders[next++ % orders.length]!) };
}

describe('ShapleyValues', () => {
  it('has the expected defaults', () => {
    expect(shapleyValuesDefaults).toEqual({ baselines: 0, maxFeatures: 16 });
  });

  it('attribute(x) of a linear model is w * (x - baseline)', async () => {
    const x = tf.tensor2d([[1, 2, -1, 0.5]]);
    const a = await new ShapleyValues(linearModel()).attribute(x, { target: 0, baselines: 1 });
    expect(maxAbsDiff(await a.data(), [0, 3, 1, 0])).toBeLessThan(1e-5);
    tf.dispose([x, a]);
  });

  it('attribute(x) equals the hand-worked Shapley values of a model with interactions', async () => {
    const x = tf.tensor2d([X6]);
    const a = await new ShapleyValues(interactionModel).attribute(x, { target: 0 });
    expect(maxAbsDiff(await a.data(), interactionShapley(X6))).toBeLessThan(1e-5);
    tf.dispose([x, a]);
  });

  for (const model of ['mlp', 'rescnn'] as const) {
    it(`equals Captum's ShapleyValues on ${model}`, async () => {
      const file = await readCaptumCases(model);
      const onnx = await loadOnnxModel(captumFixturePath(file.model));
      const c = captumCase(file, 'shapley-values');
      const x = captumTensor(c.inputs ?? file.inputs);
      const fm = c.attribute.feature_mask;
      const mask = isCaptumTensor(fm) ? captumTensor(fm) : undefined;
      const attr = await new ShapleyValues(onnx).attribute(x, {
        target: c.attribute.target as number[],
        featureMask: mask,
      });
      await expectCloseToCaptum(attr, c.expected);
      tf.dispose([x, attr, mask]);
      onnx.dispose();
    });
  }

  it('refuses more than maxFeatures features', async () => {
    const x = tf.zeros([1, 17]);
    const err = await new ShapleyValues((v) => tf.sum(v, 1)).attribute(x).catch((e) => e);
    expect(isInterpError(err)).toBe(true);
    expect(err.message).toMatch(/17 features.*at most 16.*ShapleyValueSampling/);
    x.dispose();
  });
});

describe('ShapleyValueSampling', () => {
  it('has the expected defaults', () => {
    expect(shapleyValueSamplingDefaults).toEqual({ baselines: 0, nSamples: 25, maxSamples: 10000 });
  });

  it('attribute(x) of a linear model is w * (x - baseline) whatever the orders', async () => {
    const x = tf.tensor2d([[1, 2, -1, 0.5]]);
    const a = await new ShapleyValueSampling(linearModel()).attribute(x, {
      target: 0,
      nSamples: 3,
      randomState: 5,
    });
    expect(maxAbsDiff(await a.data(), [1, 6, 0.5, 0])).toBeLessThan(1e-5);
    tf.dispose([x, a]);
  });

  it('sums to F(x) - F(baseline) for every item, and converges to the exact values', async () => {
    const rows = [X6, [-0.3, 0.6, 1.1, -0.9, 0.4, -1.3]];
    const x = tf.tensor2d(rows);
    const svs = new ShapleyValueSampling(interactionModel);
    const few = await svs.attribute(x, { target: 0, nSamples: 2, baselines: 0.1, randomState: 1 });
    const fxT = interactionModel(x);
    const fbT = tf.tidy(() => interactionModel(tf.fill([1, 6], 0.1)));
    const [fx, fb] = [await fxT.data(), await fbT.data()];
    tf.dispose([fxT, fbT]);
    const vals = await few.data();
    for (let i = 0; i < 2; i++) {
      const sum = Array.from(vals.slice(i * 6, i * 6 + 6)).reduce((s, v) => s + v, 0);
      expect(Math.abs(sum - (fx[i * 2]! - fb[0]!))).toBeLessThan(1e-5);
    }
    const many = await svs.attribute(x, { target: 0, nSamples: 2000, randomState: 2 });
    const exact = [...interactionShapley(rows[0]!), ...interactionShapley(rows[1]!)];
    expect(maxAbsDiff(await many.data(), exact)).toBeLessThan(0.03);
    tf.dispose([x, few, many]);
  });

  for (const model of ['mlp', 'rescnn'] as const) {
    it(`equals Captum's ShapleyValueSampling on ${model} with the recorded orders`, async () => {
      const file = await readCaptumCases(model);
      const onnx = await loadOnnxModel(captumFixturePath(file.model));
      const c = captumCase(file, 'shapley-sampling');
      const x = captumTensor(c.inputs ?? file.inputs);
      const fm = c.attribute.feature_mask;
      const mask = isCaptumTensor(fm) ? captumTensor(fm) : undefined;
      const attr = await new ShapleyValueSampling(onnx).attribute(x, {
        target: c.attribute.target as number[],
        featureMask: mask,
        nSamples: c.attribute.n_samples as number,
        randomState: replay(c.draws!.permutations as number[][]),
      });
      await expectCloseToCaptum(attr, c.expected);
      tf.dispose([x, attr, mask]);
      onnx.dispose();
    });
  }

  it('refuses nSamples outside 1..maxSamples', async () => {
    const x = tf.tensor2d([[1, 2, -1, 0.5]]);
    const svs = new ShapleyValueSampling(linearModel());
    await expect(svs.attribute(x, { nSamples: 0 })).rejects.toThrow(
      /nSamples must be an integer in 1\.\.10000, got 0/,
    );
    await expect(svs.attribute(x, { nSamples: 1.5 })).rejects.toThrow(/nSamples/);
    x.dispose();
  });

  it('leaks no tensors (both classes)', async () => {
    const x = tf.tensor2d([X6]);
    const mask = tf.tensor2d([[0, 0, 1, 1, 2, 2]], undefined, 'int32');
    await expectNoLeakedTensors(async () => {
      (await new ShapleyValues(interactionModel).attribute(x, { featureMask: mask })).dispose();
      const svs = new ShapleyValueSampling(interactionModel);
      (await svs.attribute(x, { nSamples: 3, randomState: 0, baselines: 0.5 })).dispose();
    });
    tf.dispose([x, mask]);
  });
});
