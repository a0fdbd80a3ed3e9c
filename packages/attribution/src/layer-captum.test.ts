// Every layer method against Captum 0.8's recorded numbers on the committed ONNX models
// (rescnn: residual CNN with batch norm and max pooling, NCHW; mlp: tanh; mlp-softmax).
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { loadOnnxModel, type OnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLayerTarget } from './internal/layer-gradient.js';
import { InternalInfluence } from './internal-influence.js';
import { LayerActivation } from './layer-activation.js';
import { LayerConductance } from './layer-conductance.js';
import { LayerDeepLift } from './layer-deep-lift.js';
import { LayerDeepLiftShap } from './layer-deep-lift-shap.js';
import { LayerFeatureAblation } from './layer-feature-ablation.js';
import { LayerGradCam } from './layer-grad-cam.js';
import {
  type GradientShapDraws,
  LayerGradientShap,
  layerGradientShapFromDraws,
} from './layer-gradient-shap.js';
import { LayerGradientXActivation } from './layer-gradient-x-activation.js';
import { LayerIntegratedGradients } from './layer-integrated-gradients.js';
import {
  type CaptumCase,
  type CaptumCaseFile,
  type CaptumTensor,
  captumFixturePath,
  captumTensor,
  expectCloseToCaptum,
  isCaptumTensor,
  readCaptumCases,
} from './test-captum-cases.js';

/** Captum's attribute arguments as ours: target, baselines (tensors), flags. */
function options(c: CaptumCase): Record<string, unknown> {
  const a = c.attribute;
  const out: Record<string, unknown> = {};
  if (a.target !== undefined) out.target = a.target;
  if (isCaptumTensor(a.baselines)) out.baselines = captumTensor(a.baselines);
  if (a.relu_attributions !== undefined) out.reluAttributions = a.relu_attributions;
  if (a.return_convergence_delta) out.returnConvergenceDelta = true;
  if (a.n_samples !== undefined) out.nSamples = a.n_samples;
  if (a.stdevs !== undefined) out.stdevs = a.stdevs;
  return out;
}

type Run = (
  model: OnnxModel,
  c: CaptumCase,
  x: tf.Tensor,
  o: Record<string, unknown>,
) => Promise<unknown>;

const runs: Record<string, Run> = {
  LayerActivation: (m, c, x) => new LayerActivation(m, { layer: c.layer! }).attribute(x),
  LayerGradientXActivation: (m, c, x, o) =>
    new LayerGradientXActivation(m, { layer: c.layer! }).attribute(x, o),
  LayerGradCam: (m, c, x, o) => new LayerGradCam(m, { layer: c.layer! }).attribute(x, o),
  InternalInfluence: (m, c, x, o) => new InternalInfluence(m, { layer: c.layer! }).attribute(x, o),
  LayerFeatureAblation: (m, c, x, o) =>
    new LayerFeatureAblation(m, { layer: c.layer! }).attribute(x, o),
  LayerDeepLift: (m, c, x, o) => new LayerDeepLift(m, { layer: c.layer! }).attribute(x, o),
  LayerDeepLiftShap: (m, c, x, o) =>
    new LayerDeepLiftShap(m, { layer: c.layer! }).attribute(x, o as never),
  LayerConductance: (m, c, x, o) => new LayerConductance(m, { layer: c.layer! }).attribute(x, o),
  LayerIntegratedGradients: (m, c, x, o) =>
    new LayerIntegratedGradients(m, { layer: c.layer! }).attribute(x, o),
};

/**
 * Runs a case; a `-single-items` case attributes each item alone and stacks the results (Captum's
 * softmax rule normalizes over the whole batch, so batched and single-item numbers differ).
 */
async function runCase(
  run: Run,
  model: OnnxModel,
  c: CaptumCase,
  x: tf.Tensor,
  o: Record<string, unknown>,
): Promise<unknown> {
  if (!c.name.endsWith('-single-items')) return run(model, c, x, o);
  const results: (tf.Tensor | { attributions: tf.Tensor; delta: tf.Tensor })[] = [];
  const targets = o.target as number[];
  for (let i = 0; i < x.shape[0]!; i++) {
    const xi = tf.slice(x, i, 1);
    results.push((await run(model, c, xi, { ...o, target: targets[i] })) as never);
    xi.dispose();
  }
  const parts = results.map((r) => (r instanceof tf.Tensor ? r : r.attributions));
  const attributions = tf.concat(parts, 0);
  const deltas = results.flatMap((r) => (r instanceof tf.Tensor ? [] : [r.delta]));
  const out = deltas.length > 0 ? { attributions, delta: tf.concat(deltas, 0) } : attributions;
  tf.dispose([...parts, ...deltas]);
  return out;
}

const models = ['rescnn', 'mlp', 'mlp-softmax'] as const;
const files = new Map<string, { file: CaptumCaseFile; model: OnnxModel }>();

beforeAll(async () => {
  await setupBackend('wasm');
  for (const name of models) {
    const file = await readCaptumCases(name);
    const model = await loadOnnxModel(captumFixturePath(file.model));
    tf.dispose(tf.tidy(() => model.predict(captumTensor(file.inputs))));
    files.set(name, { file, model });
  }
});

afterAll(() => {
  for (const { model } of files.values()) model.dispose();
});

describe('layer methods equal Captum 0.8 on the reference models', () => {
  for (const method of Object.keys(runs)) {
    it(`${method}: every recorded case (${models.join(', ')})`, async () => {
      let seen = 0;
      for (const name of models) {
        const { file, model } = files.get(name)!;
        for (const c of file.cases.filter((k) => k.method === method)) {
          seen++;
          // The first run of a graph path caches per-node constants the model owns.
          await (async () => {
            const x = captumTensor(c.inputs ?? file.inputs);
            const o = options(c);
            const r = (await runs[method]!(model, c, x, o)) as tf.TensorContainer;
            tf.dispose([x, r, ...Object.values(o)] as tf.TensorContainer[]);
          })();
          await expectNoLeakedTensors(async () => {
            const x = captumTensor(c.inputs ?? file.inputs);
            const o = options(c);
            const result = (await runCase(runs[method]!, model, c, x, o)) as
              | tf.Tensor
              | { attributions: tf.Tensor; delta: tf.Tensor };
            const attributions = result instanceof tf.Tensor ? result : result.attributions;
            await expectCloseToCaptum(attributions, c.expected);
            if (!(result instanceof tf.Tensor)) {
              expect(c.delta, `${name}/${c.name} records a delta`).toBeDefined();
              await expectCloseToCaptum(result.delta, c.delta!, 1e-2);
              result.delta.dispose();
            }
            const owned = Object.values(o).filter((v): v is tf.Tensor => v instanceof tf.Tensor);
            tf.dispose([x, attributions, ...owned]);
          });
        }
      }
      expect(seen).toBeGreaterThan(0);
    });
  }
});

/** Captum's recorded GradientShap draws as ours. */
function captumDraws(c: CaptumCase): GradientShapDraws {
  const d = c.draws as {
    noise: { values: number[] };
    baseline_indices: number[];
    alphas: number[];
  };
  return {
    noise: Float32Array.from(d.noise.values),
    baselineIndices: Int32Array.from(d.baseline_indices),
    alphas: Float32Array.from(d.alphas),
  };
}

describe('LayerGradientShap replays Captum 0.8 draws', () => {
  it('equals every recorded layer-gradient-shap case', async () => {
    let seen = 0;
    for (const name of models) {
      const { file, model } = files.get(name)!;
      for (const c of file.cases.filter((k) => k.method === 'LayerGradientShap')) {
        seen++;
        await expectNoLeakedTensors(async () => {
          const x = captumTensor(c.inputs ?? file.inputs);
          const baselines = captumTensor(c.attribute.baselines as CaptumTensor);
          const target = resolveLayerTarget(model, c.layer!, 'test');
          const attr = layerGradientShapFromDraws(
            target,
            x,
            baselines,
            Int32Array.from(c.attribute.target as number[]),
            3,
            captumDraws(c),
            c.attribute.n_samples as number,
            true,
            'test',
          );
          await expectCloseToCaptum(attr, c.expected);
          tf.dispose([x, baselines, attr]);
        });
      }
    }
    expect(seen).toBe(3);
  });

  it('a seeded run gives the same attributions twice and needs baselines', async () => {
    const { file, model } = files.get('mlp')!;
    const x = captumTensor(file.inputs);
    const baselines = tf.zeros([3, 6]);
    const lgs = new LayerGradientShap(model, { layer: 'act1' });
    const a = await lgs.attribute(x, { target: 0, baselines, stdevs: 0.1, randomState: 7 });
    const b = await lgs.attribute(x, { target: 0, baselines, stdevs: 0.1, randomState: 7 });
    expect(await a.data()).toEqual(await b.data());
    await expect(lgs.attribute(x, { target: 0 } as never)).rejects.toThrow(
      /baselines must be a tensor \[B, 6\]/,
    );
    tf.dispose([x, baselines, a, b]);
  });
});
