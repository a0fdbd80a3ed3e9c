import { isInterpError, setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FeatureAblation, featureAblationDefaults } from './feature-ablation.js';
import { Occlusion } from './occlusion.js';
import {
  type CaptumModelName,
  captumCase,
  captumFixturePath,
  captumTensor,
  expectCloseToCaptum,
  isCaptumTensor,
  readCaptumCases,
} from './test-captum-cases.js';
import { LINEAR_X, linearModel } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

async function captumRun(model: CaptumModelName, name: string, method: 'ablation' | 'occlusion') {
  const file = await readCaptumCases(model);
  const c = captumCase(file, name);
  const onnx = await loadOnnxModel(captumFixturePath(file.model));
  const x = captumTensor(c.inputs ?? file.inputs);
  const a = c.attribute;
  const mask = isCaptumTensor(a.feature_mask) ? captumTensor(a.feature_mask) : undefined;
  const target = a.target as number[];
  const baselines = typeof a.baselines === 'number' ? a.baselines : undefined;
  const attr =
    method === 'ablation'
      ? await new FeatureAblation(onnx).attribute(x, { target, baselines, featureMask: mask })
      : await new Occlusion(onnx).attribute(x, {
          target,
          baseline: baselines,
          slidingWindowShapes: a.sliding_window_shapes as number[],
          strides: a.strides as number[],
        });
  await expectCloseToCaptum(attr, c.expected);
  tf.dispose([x, attr, mask]);
  onnx.dispose();
}

describe('FeatureAblation', () => {
  it('has the expected defaults', () => {
    expect(featureAblationDefaults).toEqual({ baselines: 0 });
  });

  it('attribute(x) of a linear model is w * (x - baseline) for scalar features', async () => {
    // Target 0, W[:, 0] = [1, 3, -0.5, 0]: w * (x - 0) = [1, 6, 0.5, 0]; with baseline 1: [0, 3, 1, 0].
    const x = tf.tensor2d([[1, 2, -1, 0.5]]);
    const fa = new FeatureAblation(linearModel());
    const a0 = await fa.attribute(x, { target: 0 });
    expect(maxAbsDiff(await a0.data(), [1, 6, 0.5, 0])).toBeLessThan(1e-5);
    const a1 = await fa.attribute(x, { target: 0, baselines: 1 });
    expect(maxAbsDiff(await a1.data(), [0, 3, 1, 0])).toBeLessThan(1e-5);
    tf.dispose([x, a0, a1]);
  });

  it('attribute(x, { featureMask }) credits a group its joint drop, on every value of it', async () => {
    // Groups {0, 1} and {2, 3}: drops 1 + 6 = 7 and 0.5 + 0 = 0.5; ids need not start at 0.
    const x = tf.tensor2d([[1, 2, -1, 0.5]]);
    const mask = tf.tensor2d([[5, 5, 9, 9]], undefined, 'int32');
    const a = await new FeatureAblation(linearModel()).attribute(x, {
      target: 0,
      featureMask: mask,
    });
    expect(maxAbsDiff(await a.data(), [7, 7, 0.5, 0.5])).toBeLessThan(1e-5);
    tf.dispose([x, mask, a]);
  });

  it('attribute(x, { featureMask }) takes one mask row per item', async () => {
    // Target 0, w = [1, 3, -0.5, 0]. Item 0 groups {0, 1}, {2, 3}: drops 7 and 0.5. Item 1
    // (x = [-2, 0.5, 3, 1]) groups {0}, {1, 2, 3}: drops -2 and 1.5 - 1.5 + 0 = 0.
    const x = tf.tensor2d(LINEAR_X);
    const mask = tf.tensor2d(
      [
        [0, 0, 1, 1],
        [0, 1, 1, 1],
      ],
      undefined,
      'int32',
    );
    const a = await new FeatureAblation(linearModel()).attribute(x, {
      target: 0,
      featureMask: mask,
    });
    expect(maxAbsDiff(await a.data(), [7, 7, 0.5, 0.5, -2, 0, 0, 0])).toBeLessThan(1e-5);
    tf.dispose([x, mask, a]);
  });

  it('gives the same result for every perturbationsPerEval', async () => {
    const x = tf.tensor2d(LINEAR_X);
    const fa = new FeatureAblation(linearModel());
    const results: Float32Array[] = [];
    for (const perturbationsPerEval of [1, 3, 4, undefined]) {
      const a = await fa.attribute(x, { target: [0, 2], perturbationsPerEval });
      results.push((await a.data()) as Float32Array);
      a.dispose();
    }
    for (const r of results) expect(Array.from(r)).toEqual(Array.from(results[0]!));
    x.dispose();
  });

  for (const model of ['mlp', 'rescnn'] as const) {
    it(`equals Captum's FeatureAblation on ${model} without and with a mask`, async () => {
      await captumRun(model, 'feature-ablation', 'ablation');
      await captumRun(model, 'feature-ablation-mask', 'ablation');
    });
    it(`equals Captum's Occlusion on ${model}`, async () => {
      await captumRun(model, 'occlusion', 'occlusion');
      await captumRun(model, 'occlusion-baseline', 'occlusion');
    });
  }

  it('refuses a mask that does not broadcast, non-integer ids and a bad perturbationsPerEval', async () => {
    const x = tf.tensor2d([[1, 2, -1, 0.5]]);
    const fa = new FeatureAblation(linearModel());
    const bad = tf.tensor2d([[0, 1, 2]], undefined, 'int32');
    const frac = tf.tensor2d([[0, 0.5, 1, 1]]);
    const err = await fa.attribute(x, { featureMask: bad }).catch((e) => e);
    expect(isInterpError(err) && err.code).toBe('SHAPE_MISMATCH');
    expect(err.message).toMatch(/featureMask has shape \[1, 3\].*does not broadcast.*\[1, 4\]/);
    await expect(fa.attribute(x, { featureMask: frac })).rejects.toThrow(/integer feature ids/);
    await expect(fa.attribute(x, { additionalForwardArgs: [1] })).rejects.toThrow(
      /additionalForwardArgs is not supported/,
    );
    await expect(fa.attribute(x, { perturbationsPerEval: 0 })).rejects.toThrow(
      /perturbationsPerEval must be a positive integer/,
    );
    tf.dispose([x, bad, frac]);
  });

  it('leaks no tensors', async () => {
    const fa = new FeatureAblation(linearModel());
    const x = tf.tensor2d([[1, 2, -1, 0.5]]);
    const mask = tf.tensor2d([[0, 0, 1, 1]], undefined, 'int32');
    const bad = tf.zeros([3]);
    await expectNoLeakedTensors(async () => {
      (await fa.attribute(x, { target: 1, featureMask: mask, baselines: 0.5 })).dispose();
      await fa.attribute(x, { featureMask: bad }).catch(() => undefined);
    });
    tf.dispose([x, mask, bad]);
  });
});
