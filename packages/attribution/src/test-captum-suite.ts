// The Captum 0.8 comparison that the layer and the neuron methods share (layer-captum.test.ts,
// neuron-captum.test.ts): every recorded case of each method on the committed ONNX models
// (rescnn: residual CNN with batch norm and max pooling, NCHW; mlp: tanh; mlp-softmax), plus the
// GradientShap variant replaying Captum's recorded draws. Test-only (excluded from builds).
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { loadOnnxModel, type OnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GradientShapDraws } from './layer-gradient-shap.js';
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

/** Captum's attribute arguments as ours: target, neuron, baselines (tensors), flags. */
export function captumOptions(c: CaptumCase): Record<string, unknown> {
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

/** One method's run of a case: our class on the case's layer, with the case's options. */
export type CaseRun = (
  model: OnnxModel,
  c: CaptumCase,
  x: tf.Tensor,
  o: Record<string, unknown>,
) => Promise<unknown>;

type Result = tf.Tensor | { attributions: tf.Tensor; delta: tf.Tensor };

/**
 * Runs a case; a `-single-items` case attributes each item alone and stacks the results (Captum's
 * softmax rule normalizes over the whole batch, so batched and single-item numbers differ).
 */
async function runCase(
  run: CaseRun,
  model: OnnxModel,
  c: CaptumCase,
  x: tf.Tensor,
  o: Record<string, unknown>,
): Promise<Result> {
  if (!c.name.endsWith('-single-items')) return (await run(model, c, x, o)) as Result;
  const results: Result[] = [];
  const targets = o.target as number[];
  for (let i = 0; i < x.shape[0]!; i++) {
    const xi = tf.slice(x, i, 1);
    results.push((await run(model, c, xi, { ...o, target: targets[i] })) as Result);
    xi.dispose();
  }
  const parts = results.map((r) => (r instanceof tf.Tensor ? r : r.attributions));
  const attributions = tf.concat(parts, 0);
  const deltas = results.flatMap((r) => (r instanceof tf.Tensor ? [] : [r.delta]));
  const out = deltas.length > 0 ? { attributions, delta: tf.concat(deltas, 0) } : attributions;
  tf.dispose([...parts, ...deltas]);
  return out;
}

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

const models = ['rescnn', 'mlp', 'mlp-softmax'] as const;

/** The GradientShap variant's replay of one case from Captum's draws. */
export type ShapReplay = (
  model: OnnxModel,
  c: CaptumCase,
  x: tf.Tensor,
  baselines: tf.Tensor,
  draws: GradientShapDraws,
) => tf.Tensor;

/**
 * Registers the suite: loads the reference models once, checks every recorded case of every
 * method in `runs` (leak-free, the delta too when recorded), and replays the recorded draws of
 * `shap.method` (3 cases). Returns the loaded models for the caller's own tests.
 */
export function captumCaseSuite(
  kind: 'layer' | 'neuron',
  runs: Record<string, CaseRun>,
  shap: { method: string; replay: ShapReplay },
): Map<string, { file: CaptumCaseFile; model: OnnxModel }> {
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

  describe(`${kind} methods equal Captum 0.8 on the reference models`, () => {
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
              const o = captumOptions(c);
              const r = (await runs[method]!(model, c, x, o)) as tf.TensorContainer;
              tf.dispose([x, r, ...Object.values(o)] as tf.TensorContainer[]);
            })();
            await expectNoLeakedTensors(async () => {
              const x = captumTensor(c.inputs ?? file.inputs);
              const o = captumOptions(c);
              const result = await runCase(runs[method]!, model, c, x, o);
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

  describe(`${shap.method} replays Captum 0.8 draws`, () => {
    const slug = shap.method.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
    it(`equals every recorded ${slug} case`, async () => {
      let seen = 0;
      for (const name of models) {
        const { file, model } = files.get(name)!;
        for (const c of file.cases.filter((k) => k.method === shap.method)) {
          seen++;
          await expectNoLeakedTensors(async () => {
            const x = captumTensor(c.inputs ?? file.inputs);
            const baselines = captumTensor(c.attribute.baselines as CaptumTensor);
            const attr = shap.replay(model, c, x, baselines, captumDraws(c));
            await expectCloseToCaptum(attr, c.expected);
            tf.dispose([x, baselines, attr]);
          });
        }
      }
      expect(seen).toBe(3);
    });
  });

  return files;
}
