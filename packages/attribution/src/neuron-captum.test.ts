// Every neuron method against Captum 0.8's recorded numbers on the committed ONNX models
// (rescnn: residual CNN with batch norm and max pooling, NCHW; mlp: tanh; mlp-softmax).
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { loadOnnxModel, type OnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NeuronConductance } from './neuron-conductance.js';
import { NeuronDeconvolution } from './neuron-deconvolution.js';
import { NeuronDeepLift } from './neuron-deep-lift.js';
import { NeuronFeatureAblation } from './neuron-feature-ablation.js';
import { NeuronGradient } from './neuron-gradient.js';
import { NeuronGuidedBackprop } from './neuron-guided-backprop.js';
import { NeuronIntegratedGradients } from './neuron-integrated-gradients.js';
import {
  type CaptumCase,
  type CaptumCaseFile,
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
            const result = (await runs[method]!(model, c, x, o)) as
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
