// LRP and LayerLRP on tfjs LayersModels: the residual CNN and the MLP of the Captum cases rebuilt
// as tfjs layers (NHWC, layers named after the PyTorch module paths, the ONNX export's weights),
// so every recorded Captum LRP case also checks the tfjs path (Dense, Conv2D and BatchNormalization
// weights changed by Gamma and Alpha1-Beta0 rules, tfjs Add, pooling and activation layers).
import { type ModelGraph, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayerLRP } from './layer-lrp.js';
import { LRP } from './lrp.js';
import {
  type CaptumCase,
  type CaptumCaseFile,
  captumFixturePath,
  captumTensor,
  readCaptumCases,
} from './test-captum-cases.js';
import { caseRules, expectLrpCase } from './test-lrp-cases.js';

/** Each ONNX node's inputs (weights included) on one forward pass, by module path and op. */
async function onnxWeights(file: string, x: tf.Tensor): Promise<Map<string, tf.Tensor[]>> {
  const graph: ModelGraph = await loadOnnxModel(captumFixturePath(file));
  const weights = new Map<string, tf.Tensor[]>();
  const hooks = Object.fromEntries(
    graph.nodes
      .filter((n) => n.modulePath)
      .map((n) => [
        n.name,
        (_out: tf.Tensor, { inputs }: { inputs: readonly tf.Tensor[] }) => {
          weights.set(
            `${n.modulePath}:${n.op}`,
            inputs.slice(1).map((t) => tf.keep(tf.clone(t))),
          );
          return undefined;
        },
      ]),
  );
  tf.tidy(() => {
    graph.run(x, { hooks });
  });
  graph.dispose();
  return weights;
}

const hwio = (w: tf.Tensor) => tf.transpose(w, [2, 3, 1, 0]);

function rescnnLayers(w: Map<string, tf.Tensor[]>): tfl.LayersModel {
  const conv = (name: string, x: tfl.SymbolicTensor) => {
    const layer = tfl.layers.conv2d({ name, filters: 4, kernelSize: 3, padding: 'same' });
    const y = layer.apply(x) as tfl.SymbolicTensor;
    const [k, b] = w.get(`${name}:Conv`)!;
    layer.setWeights([hwio(k!), b!]);
    return y;
  };
  const bn = (name: string, x: tfl.SymbolicTensor) => {
    const layer = tfl.layers.batchNormalization({ name, epsilon: 1e-5 });
    const y = layer.apply(x) as tfl.SymbolicTensor;
    layer.setWeights(w.get(`${name}:BatchNormalization`)!);
    return y;
  };
  const relu = (name: string, x: tfl.SymbolicTensor) =>
    tfl.layers.reLU({ name }).apply(x) as tfl.SymbolicTensor;
  const input = tfl.input({ shape: [8, 8, 3] });
  const stem = relu('stem.relu', bn('stem.bn', conv('stem.conv', input)));
  const pool = tfl.layers
    .maxPooling2d({ name: 'pool', poolSize: 2 })
    .apply(stem) as tfl.SymbolicTensor;
  const y = bn(
    'block.bn2',
    conv('block.conv2', relu('block.relu1', bn('block.bn1', conv('block.conv1', pool)))),
  );
  const sum = tfl.layers.add({ name: 'block.add' }).apply([y, pool]) as tfl.SymbolicTensor;
  const gap = tfl.layers.globalAveragePooling2d({ name: 'gap' }).apply(relu('block.relu2', sum));
  const fc = tfl.layers.dense({ name: 'fc', units: 3 });
  const out = fc.apply(gap) as tfl.SymbolicTensor;
  const [k, b] = w.get('fc:Gemm')!;
  fc.setWeights([tf.transpose(k!), b!]);
  return tfl.model({ inputs: input, outputs: out });
}

function mlpLayers(w: Map<string, tf.Tensor[]>): tfl.LayersModel {
  const fc1 = tfl.layers.dense({ name: 'fc1', units: 5, inputShape: [6] });
  const act = tfl.layers.activation({ name: 'act1', activation: 'tanh' });
  const fc2 = tfl.layers.dense({ name: 'fc2', units: 3 });
  const model = tfl.sequential({ layers: [fc1, act, fc2] });
  for (const [layer, path] of [
    [fc1, 'fc1'],
    [fc2, 'fc2'],
  ] as const) {
    const [k, b] = w.get(`${path}:Gemm`)!;
    layer.setWeights([tf.transpose(k!), b!]);
  }
  return model;
}

const models: { name: 'rescnn' | 'mlp'; model: tfl.LayersModel; file: CaptumCaseFile }[] = [];

beforeAll(async () => {
  await setupBackend('wasm');
  for (const name of ['rescnn', 'mlp'] as const) {
    const file = await readCaptumCases(name);
    const x = captumTensor(file.inputs);
    const weights = await onnxWeights(`${name}.onnx`, x);
    models.push({
      name,
      file,
      model: name === 'rescnn' ? rescnnLayers(weights) : mlpLayers(weights),
    });
    x.dispose();
    for (const ts of weights.values()) tf.dispose(ts);
  }
});

afterAll(() => {
  for (const { model } of models) model.dispose();
});

const nhwc = (t: tf.Tensor) => (t.rank === 4 ? tf.transpose(t, [0, 2, 3, 1]) : tf.clone(t));
const nchw = (t: tf.Tensor) => (t.rank === 4 ? tf.transpose(t, [0, 3, 1, 2]) : tf.clone(t));

function run(model: tfl.LayersModel, x: tf.Tensor, c: CaptumCase) {
  const rules = caseRules(c);
  const options = { target: c.attribute.target as number[], returnConvergenceDelta: true as const };
  if (c.method === 'LRP') return new LRP(model, { rules }).attribute(x, options);
  const attributeToLayerInput = c.attribute.attribute_to_layer_input === true;
  return new LayerLRP(model, { layer: c.layer!, rules, attributeToLayerInput }).attribute(
    x,
    options,
  );
}

describe('LRP and LayerLRP on tfjs LayersModels equal Captum 0.8', () => {
  it.each(['rescnn', 'mlp'] as const)('%s: every recorded case', async (name) => {
    const { model, file } = models.find((m) => m.name === name)!;
    const x = nhwc(captumTensor(file.inputs));
    const cases = file.cases.filter((c) => c.method === 'LRP' || c.method === 'LayerLRP');
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) {
      const r = await run(model, x, c);
      const attributions = nchw(r.attributions);
      try {
        await expectLrpCase({ attributions, delta: r.delta }, c.expected, c.delta);
      } catch (e) {
        throw new Error(`case ${c.name}: ${(e as Error).message}`);
      } finally {
        tf.dispose([r.attributions, r.delta, attributions]);
      }
    }
    x.dispose();
  });

  it('weight rules on a LayersModel leak no tensors', async () => {
    const { model, file } = models.find((m) => m.name === 'rescnn')!;
    const x = nhwc(captumTensor(file.inputs));
    const c = file.cases.find((k) => k.name === 'lrp-bias-to-zero')!;
    await expectNoLeakedTensors(() => run(model, x, c));
    x.dispose();
  });
});
