import { isInterpError, setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { type InfidelityPerturbFunction, infidelity, infidelityDefaults } from './infidelity.js';
import { saliencyMap } from './saliency-map.js';
import { sensitivityMax, sensitivityMaxDefaults } from './sensitivity-max.js';
import {
  type CaptumTensor,
  captumCase,
  captumFixturePath,
  captumTensor,
  expectCloseToCaptum,
  readCaptumCases,
} from './test-captum-cases.js';
import { LINEAR_W, linearModel, LINEAR_X as X } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** Gaussian perturbations, seeded: I and x - I. */
const gaussian: InfidelityPerturbFunction = (x) =>
  tf.tidy(() => {
    const i = tf.randomNormal(x.shape, 0, 0.3, 'float32', 7);
    return [i, tf.sub(x, i)] as [tf.Tensor, tf.Tensor];
  });

describe('infidelity', () => {
  it('has the expected defaults', () => {
    expect(infidelityDefaults).toEqual({ nPerturbSamples: 10, normalize: false });
  });

  it('is 0 for the exact attribution of a linear model, w * x, and grows for a wrong one', async () => {
    // F(x) - F(x - I) = w . I, so sum(I * w) predicts every perturbation exactly (any baseline).
    const x = tf.tensor2d(X);
    const w0 = LINEAR_W.map((r) => r[0]!);
    const perfect = tf.tensor2d([w0, w0]);
    const got = await infidelity(linearModel(), gaussian, x, perfect, { target: 0 });
    expect(maxAbsDiff(await got.data(), [0, 0])).toBeLessThan(1e-5);
    // Half the weights: the error is (w . I / 2)^2 on average, clearly > 0; normalize rescales it away.
    const half = tf.mul(perfect, 0.5);
    const bad = await infidelity(linearModel(), gaussian, x, half, { target: 0 });
    expect(Math.min(...(await bad.data()))).toBeGreaterThan(0.01);
    const fixed = await infidelity(linearModel(), gaussian, x, half, {
      target: 0,
      normalize: true,
    });
    expect(maxAbsDiff(await fixed.data(), [0, 0])).toBeLessThan(1e-5);
    tf.dispose([x, perfect, got, half, bad, fixed]);
  });

  for (const model of ['mlp', 'rescnn'] as const) {
    it(`equals Captum's infidelity on ${model} with the recorded perturbations`, async () => {
      const file = await readCaptumCases(model);
      const onnx = await loadOnnxModel(captumFixturePath(file.model));
      for (const name of ['infidelity', 'infidelity-normalized']) {
        const c = captumCase(file, name);
        const x = captumTensor(c.inputs ?? file.inputs);
        const attr = captumTensor(c.attribute.attributions as CaptumTensor);
        const recorded = c.draws!.perturbations as CaptumTensor;
        const replay: InfidelityPerturbFunction = (inputs) =>
          tf.tidy(() => {
            const i = tf.reshape(captumTensor(recorded), inputs.shape);
            return [i, tf.sub(inputs, i)] as [tf.Tensor, tf.Tensor];
          });
        const got = await infidelity(onnx, replay, x, attr, {
          target: c.attribute.target as number[],
          nPerturbSamples: c.attribute.n_perturb_samples as number,
          normalize: c.attribute.normalize as boolean,
        });
        await expectCloseToCaptum(got, c.expected);
        tf.dispose([x, attr, got]);
      }
      onnx.dispose();
    });
  }

  it('gives the same result for any maxExamplesPerBatch', async () => {
    const x = tf.tensor2d(X);
    const attr = tf.tensor2d([
      [1, 0, 2, 0],
      [0, 1, 0, 1],
    ]);
    // A perturbation that depends only on the row index within the chunk would differ; this
    // one is a fixed function of the input values.
    const det: InfidelityPerturbFunction = (v) =>
      tf.tidy(() => [tf.mul(v, 0.1), tf.mul(v, 0.9)] as [tf.Tensor, tf.Tensor]);
    const a = await infidelity(linearModel(), det, x, attr, { target: 1 });
    const b = await infidelity(linearModel(), det, x, attr, { target: 1, maxExamplesPerBatch: 2 });
    expect(maxAbsDiff(await a.data(), await b.data())).toBeLessThan(1e-6);
    tf.dispose([x, attr, a, b]);
  });

  it('refuses attributions of the wrong shape, a bad perturbFn result and a small maxExamplesPerBatch', async () => {
    const x = tf.tensor2d(X);
    const wrong = tf.zeros([2, 3]);
    const attr = tf.zeros([2, 4]);
    const err = await infidelity(linearModel(), gaussian, x, wrong).catch((e) => e);
    expect(isInterpError(err) && err.code).toBe('SHAPE_MISMATCH');
    expect(err.message).toMatch(/attributions have shape \[2, 3\] but x has shape \[2, 4\]/);
    const short: InfidelityPerturbFunction = (v) => [tf.zeros([1, 4]), tf.clone(v)];
    await expect(infidelity(linearModel(), short, x, attr)).rejects.toThrow(
      /perturbFn must return \[perturbations, perturbedInputs\] shaped like its input/,
    );
    await expect(
      infidelity(linearModel(), gaussian, x, attr, { maxExamplesPerBatch: 1 }),
    ).rejects.toThrow(/maxExamplesPerBatch = 1 is smaller than the batch/);
    await expect(
      infidelity(linearModel(), gaussian, x, attr, { nPerturbSamples: 0 }),
    ).rejects.toThrow(/nPerturbSamples must be a positive integer/);
    tf.dispose([x, wrong, attr]);
  });

  it('leaks no tensors, also when perturbFn returns the wrong shape', async () => {
    const x = tf.tensor2d(X);
    const attr = tf.ones([2, 4]);
    const short: InfidelityPerturbFunction = (v) => [tf.zeros([1, 4]), tf.clone(v)];
    await expectNoLeakedTensors(async () => {
      (await infidelity(linearModel(), gaussian, x, attr, { normalize: true })).dispose();
      await infidelity(linearModel(), short, x, attr).catch(() => undefined);
    });
    tf.dispose([x, attr]);
  });
});

describe('sensitivityMax', () => {
  it('has the expected defaults', () => {
    expect(sensitivityMaxDefaults).toEqual({
      perturbRadius: 0.02,
      nPerturbSamples: 10,
      normOrd: 'fro',
    });
  });

  it('is 0 for a constant explanation and |r| / |x| at most for the identity explanation', async () => {
    const x = tf.tensor2d(X);
    const constant = (v: tf.Tensor) => tf.onesLike(v);
    const zero = await sensitivityMax(constant, x, { randomState: 0 });
    expect(Array.from(await zero.data())).toEqual([0, 0]);
    // expl(x) = x: the change is the noise itself, whose 2-norm is at most 0.02 * sqrt(4) = 0.04
    // and at least its largest entry; |x| = sqrt(6.25) = 2.5 and sqrt(14.25).
    const ident = await sensitivityMax((v) => tf.clone(v), x, {
      randomState: 0,
      nPerturbSamples: 50,
    });
    const s = await ident.data();
    expect(s[0]).toBeLessThanOrEqual(0.04 / 2.5 + 1e-6);
    expect(s[0]).toBeGreaterThan(0.01 / 2.5);
    expect(s[1]).toBeLessThanOrEqual(0.04 / Math.sqrt(14.25) + 1e-6);
    // Infinity norm: the largest |noise| entry, at most the radius.
    const inf = await sensitivityMax((v) => tf.clone(v), x, { randomState: 0, normOrd: Infinity });
    expect((await inf.data())[0]).toBeLessThanOrEqual(0.02 / 2 + 1e-6);
    tf.dispose([x, zero, ident, inf]);
  });

  for (const model of ['mlp', 'rescnn'] as const) {
    it(`equals Captum's sensitivity_max of Saliency on ${model} with the recorded perturbations`, async () => {
      const file = await readCaptumCases(model);
      const onnx = await loadOnnxModel(captumFixturePath(file.model));
      const c = captumCase(file, 'sensitivity-max');
      const x = captumTensor(c.inputs ?? file.inputs);
      const recorded = c.draws!.perturbations as CaptumTensor;
      const got = await sensitivityMax((v, { target }) => saliencyMap(onnx, v, { target }), x, {
        target: c.attribute.target as number[],
        nPerturbSamples: c.attribute.n_perturb_samples as number,
        perturbFunc: (inputs) =>
          tf.tidy(() => tf.add(inputs, tf.reshape(captumTensor(recorded), inputs.shape))),
      });
      await expectCloseToCaptum(got, c.expected);
      tf.dispose([x, got]);
      onnx.dispose();
    });
  }

  it('refuses a bad radius, norm and target', async () => {
    const x = tf.tensor2d(X);
    const id = (v: tf.Tensor) => tf.clone(v);
    await expect(sensitivityMax(id, x, { perturbRadius: -1 })).rejects.toThrow(
      /perturbRadius must be a finite number >= 0/,
    );
    await expect(sensitivityMax(id, x, { normOrd: 0.5 })).rejects.toThrow(/normOrd must be 'fro'/);
    const err = await sensitivityMax(id, x, { target: [1] }).catch((e) => e);
    expect(isInterpError(err) && err.message).toMatch(/one integer index per item \(2\)/);
    tf.dispose(x);
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d(X);
    await expectNoLeakedTensors(async () => {
      (
        await sensitivityMax((v) => tf.square(v), x, { randomState: 1, maxExamplesPerBatch: 4 })
      ).dispose();
    });
    x.dispose();
  });
});
