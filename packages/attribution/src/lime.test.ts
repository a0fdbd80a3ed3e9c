import { isInterpError, setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { KernelShap, kernelShapDefaults } from './kernel-shap.js';
import { Lime, limeDefaults } from './lime.js';
import {
  type CaptumTensor,
  captumCase,
  captumFixturePath,
  captumTensor,
  readCaptumCases,
} from './test-captum-cases.js';
import { linearModel } from './test-models.js';
import { interactionModel, interactionShapley, X6 } from './test-shapley-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const ROWS = [X6, [-0.3, 0.6, 1.1, -0.9, 0.4, -1.3]];

describe('KernelShap', () => {
  it('has the expected defaults', () => {
    expect(kernelShapDefaults).toEqual({
      nSamples: 25,
      maxSamples: 100000,
      baselines: 0,
      endpointWeight: 1000000,
    });
  });

  it('attribute(x) of a linear model is w * (x - baseline) even with few samples', async () => {
    const x = tf.tensor2d([[1, 2, -1, 0.5]]);
    const ks = new KernelShap(linearModel());
    const a = await ks.attribute(x, { target: 0, baselines: 1, nSamples: 12, randomState: 0 });
    expect(maxAbsDiff(await a.data(), [0, 3, 1, 0])).toBeLessThan(1e-4);
    tf.dispose([x, a]);
  });

  it('agrees with the exact Shapley values of a 6-feature model with interactions', async () => {
    const x = tf.tensor2d(ROWS);
    const a = await new KernelShap(interactionModel).attribute(x, {
      target: 0,
      nSamples: 4000,
      randomState: 1,
    });
    const exact = [...interactionShapley(ROWS[0]!), ...interactionShapley(ROWS[1]!)];
    // Largest |phi| is ~0.84; 4000 samples put KernelShap within a few hundredths.
    expect(maxAbsDiff(await a.data(), exact)).toBeLessThan(0.03);
    tf.dispose([x, a]);
  });

  it("agrees with the exact Shapley values on Captum's mlp (as Captum's own runs do)", async () => {
    const file = await readCaptumCases('mlp');
    const onnx = await loadOnnxModel(captumFixturePath(file.model));
    const c = captumCase(file, 'kernel-shap');
    const x = captumTensor(c.inputs ?? file.inputs);
    const a = await new KernelShap(onnx).attribute(x, {
      target: c.attribute.target as number[],
      nSamples: c.attribute.n_samples as number,
      randomState: 3,
    });
    const runs = (c as unknown as { captum_runs: { max_abs_from_exact_shapley: number } })
      .captum_runs;
    // Captum's 5 runs land within 0.0017 of the exact values; allow three times that.
    expect(maxAbsDiff(await a.data(), c.expected.values)).toBeLessThan(
      3 * runs.max_abs_from_exact_shapley,
    );
    tf.dispose([x, a]);
    onnx.dispose();
  });

  it('refuses nSamples outside 1..maxSamples', async () => {
    const x = tf.tensor2d([[1, 2, -1, 0.5]]);
    const err = await new KernelShap(linearModel()).attribute(x, { nSamples: 0 }).catch((e) => e);
    expect(isInterpError(err) && err.message).toMatch(/nSamples must be an integer in 1\.\.100000/);
    x.dispose();
  });
});

describe('Lime', () => {
  it('has the expected defaults', () => {
    expect(limeDefaults).toEqual({
      nSamples: 50,
      maxSamples: 100000,
      alpha: 0.01,
      kernelWidth: 1,
      baselines: 0,
    });
  });

  it('attribute(x) of a linear model is w * (x - baseline) with alpha 0', async () => {
    // Without the penalty the weighted fit of an exactly linear response is exact.
    const x = tf.tensor2d([[1, 2, -1, 0.5]]);
    const lime = new Lime(linearModel(), { alpha: 0 });
    const a = await lime.attribute(x, { target: 0, nSamples: 40, randomState: 0 });
    expect(maxAbsDiff(await a.data(), [1, 6, 0.5, 0])).toBeLessThan(1e-4);
    tf.dispose([x, a]);
  });

  it('agrees with the exact Shapley values of an additive 6-feature model up to the Lasso shrinkage', async () => {
    // For an additive model Shapley values are w_i (x_i - b_i); Lime's Lasso (alpha 0.01) shrinks
    // each coefficient by about alpha / Var(z) = 0.04 at most.
    const x = tf.tensor2d(ROWS);
    const w = [1.5, -2, 0.5, 3, -1, 2];
    const additive = (v: tf.Tensor) =>
      tf.tidy(() => tf.matMul(v as tf.Tensor2D, tf.tensor2d(w, [6, 1])));
    const a = await new Lime(additive).attribute(x, { target: 0, nSamples: 2000, randomState: 4 });
    const exact = ROWS.flatMap((r) => r.map((v, i) => w[i]! * v));
    expect(maxAbsDiff(await a.data(), exact)).toBeLessThan(0.06);
    tf.dispose([x, a]);
  });

  it("matches the mean of Captum's Lime runs on mlp within a few of their spreads", async () => {
    const file = await readCaptumCases('mlp');
    const onnx = await loadOnnxModel(captumFixturePath(file.model));
    const c = captumCase(file, 'lime');
    const x = captumTensor(c.inputs ?? file.inputs);
    const a = await new Lime(onnx).attribute(x, {
      target: c.attribute.target as number[],
      nSamples: c.attribute.n_samples as number,
      randomState: 5,
    });
    const runs = (c as unknown as { captum_runs: { mean: CaptumTensor; max_abs_spread: number } })
      .captum_runs;
    expect(maxAbsDiff(await a.data(), c.expected.values)).toBeLessThan(4 * runs.max_abs_spread);
    tf.dispose([x, a]);
    onnx.dispose();
  });

  it('refuses a bad alpha, kernel width and a mask that does not broadcast', async () => {
    expect(() => new Lime(linearModel(), { alpha: -1 })).toThrow(
      /alpha must be a finite number >= 0/,
    );
    expect(() => new Lime(linearModel(), { kernelWidth: 0 })).toThrow(/kernelWidth.*> 0/);
    const x = tf.tensor2d([[1, 2, -1, 0.5]]);
    const mask = tf.tensor1d([0, 1], 'int32');
    const err = await new Lime(linearModel()).attribute(x, { featureMask: mask }).catch((e) => e);
    expect(isInterpError(err) && err.code).toBe('SHAPE_MISMATCH');
    tf.dispose([x, mask]);
  });

  it('leaks no tensors (Lime and KernelShap)', async () => {
    const x = tf.tensor2d(ROWS);
    const mask = tf.tensor2d([[0, 0, 1, 1, 2, 2]], undefined, 'int32');
    await expectNoLeakedTensors(async () => {
      (
        await new Lime(interactionModel).attribute(x, { featureMask: mask, randomState: 0 })
      ).dispose();
      (
        await new KernelShap(interactionModel).attribute(x, { randomState: 0, baselines: 0.2 })
      ).dispose();
    });
    tf.dispose([x, mask]);
  });
});
