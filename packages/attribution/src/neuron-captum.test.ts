// Every neuron method against Captum 0.8's recorded numbers on the committed ONNX models
// (rescnn: residual CNN with batch norm and max pooling, NCHW; mlp: tanh; mlp-softmax).
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { loadOnnxModel, type OnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLayerTarget } from './internal/layer-gradient.js';
import type { GradientShapDraws } from './layer-gradient-shap.js';
import { NeuronConductance } from './neuron-conductance.js';
import { NeuronDeconvolution } from './neuron-deconvolution.js';
import { NeuronDeepLift } from './neuron-deep-lift.js';
import { NeuronFeatureAblation } from './neuron-feature-ablation.js';
import { NeuronGradient } from './neuron-gradient.js';
import { neuronGradientShapFromDraws } from './neuron-gradient-shap.js';
import { NeuronGuidedBackprop } from './neuron-guided-backprop.js';
import { NeuronIntegratedGradients } from './neuron-integrated-gradients.js';
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
  if (a.neuron_selector !== undefined) out.neuronSelector = a.neuron_selector;
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
  NeuronGradient: (m, c, x, o) =>
    new NeuronGradient(m, { layer: c.layer! }).attribute(x, o as never),
  NeuronIntegratedGradients: (m, c, x, o) =>
    new NeuronIntegratedGradients(m, { layer: c.layer! }).attribute(x, o as never),
  NeuronConductance: (m, c, x, o) =>
    new NeuronConductance(m, { layer: c.layer! }).attribute(x, o as never),
  NeuronDeepLift: (m, c, x, o) =>
    new NeuronDeepLift(m, { layer: c.layer! }).attribute(x, o as never),
  NeuronGuidedBackprop: (m, c, x, o) =>
    new NeuronGuidedBackprop(m, { layer: c.layer! }).attribute(x, o as never),
  NeuronDeconvolution: (m, c, x, o) =>
    new NeuronDeconvolution(m, { layer: c.layer! }).attribute(x, o as never),
  NeuronFeatureAblation: (m, c, x, o) =>
    new NeuronFeatureAblation(m, { layer: c.layer! }).attribute(x, o as never),
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

describe('neuron methods equal Captum 0.8 on the reference models', () => {
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

describe('NeuronGradientShap replays Captum 0.8 draws', () => {
  it('equals every recorded neuron-gradient-shap case', async () => {
    let seen = 0;
    for (const name of models) {
      const { file, model } = files.get(name)!;
      for (const c of file.cases.filter((k) => k.method === 'NeuronGradientShap')) {
        seen++;
        await expectNoLeakedTensors(async () => {
          const x = captumTensor(c.inputs ?? file.inputs);
          const baselines = captumTensor(c.attribute.baselines as CaptumTensor);
          const attr = neuronGradientShapFromDraws(
            resolveLayerTarget(model, c.layer!, 'test'),
            x,
            baselines,
            c.attribute.neuron_selector as number[],
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
});
