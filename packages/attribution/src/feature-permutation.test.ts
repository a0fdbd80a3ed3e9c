import { createRng, isInterpError, type RandomGenerator, setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FeaturePermutation } from './feature-permutation.js';
import {
  captumCase,
  captumFixturePath,
  captumTensor,
  expectCloseToCaptum,
  isCaptumTensor,
  readCaptumCases,
} from './test-captum-cases.js';
import { linearModel, LINEAR_X as X } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** A generator whose permutations are always `perm` (Captum's recorded draw). */
function fixedPermutation(perm: number[]): RandomGenerator {
  return { ...createRng(0), permutation: () => Int32Array.from(perm) };
}

describe('FeaturePermutation', () => {
  it('attribute(x) of a linear model is w * (x - x[perm]) per feature', async () => {
    // Two items: the only non-identity permutation swaps them. Target 0, w = [1, 3, -0.5, 0]:
    // item 0: w * (x0 - x1) = [3, 4.5, 2, 0]; item 1 the negation.
    const x = tf.tensor2d(X);
    const fp = new FeaturePermutation(linearModel());
    const a = await fp.attribute(x, { target: 0, randomState: 3 });
    expect(maxAbsDiff(await a.data(), [3, 4.5, 2, 0, -3, -4.5, -2, 0])).toBeLessThan(1e-5);
    tf.dispose([x, a]);
  });

  it('is reproducible with a seed', async () => {
    const x = tf.randomUniform([6, 4], -1, 1, 'float32', 1);
    const fp = new FeaturePermutation(linearModel());
    const a = await fp.attribute(x, { target: 1, randomState: 7 });
    const b = await fp.attribute(x, { target: 1, randomState: 7, perturbationsPerEval: 1 });
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    tf.dispose([x, a, b]);
  });

  for (const model of ['mlp', 'rescnn'] as const) {
    it(`equals Captum's FeaturePermutation on ${model} with the recorded permutation`, async () => {
      const file = await readCaptumCases(model);
      const onnx = await loadOnnxModel(captumFixturePath(file.model));
      for (const name of ['feature-permutation', 'feature-permutation-mask']) {
        const c = captumCase(file, name);
        const x = captumTensor(c.inputs ?? file.inputs);
        const fm = c.attribute.feature_mask;
        const mask = isCaptumTensor(fm) ? captumTensor(fm) : undefined;
        const attr = await new FeaturePermutation(onnx).attribute(x, {
          target: c.attribute.target as number[],
          featureMask: mask,
          randomState: fixedPermutation(c.constructor.perm as number[]),
        });
        await expectCloseToCaptum(attr, c.expected);
        tf.dispose([x, attr, mask]);
      }
      onnx.dispose();
    });
  }

  it('refuses a batch of one item', async () => {
    const x = tf.tensor2d([X[0]!]);
    const err = await new FeaturePermutation(linearModel()).attribute(x).catch((e) => e);
    expect(isInterpError(err)).toBe(true);
    expect(err.message).toMatch(/needs at least 2 items/);
    x.dispose();
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d(X);
    const fp = new FeaturePermutation(linearModel());
    await expectNoLeakedTensors(async () => {
      (await fp.attribute(x, { randomState: 1 })).dispose();
    });
    x.dispose();
  });
});
