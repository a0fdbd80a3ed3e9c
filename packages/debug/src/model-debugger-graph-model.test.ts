// ModelDebugger, ActivationStats.fromGraph and hookGraphOutputs on tfjs-converter GraphModels: a
// two-layer ReLU net written as tensorflowjs_converter writes one (every number below worked by
// hand), and nsfwjs's quantized MobileNetV2 GraphModel, whose weight statistics are checked
// against the uint8 shards read and dequantized here (min + scale * q, the manifest's recipe).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arrayDataLoader, DataLoaders, Learner, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
// tfjs-converter is a root devDependency (the fixture's loader), not a dependency of @interp/debug.
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActivationStats } from './activation-stats.js';
import { hookGraphOutputs } from './graph-hook-outputs.js';
import { ModelDebugger } from './model-debugger.js';
import { modelSizes } from './model-sizes.js';
import { summary } from './summary.js';
import { interpError } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

// out = relu(x W1 + b1) W2, x in R^2, 3 hidden units, 1 output.
const W1 = [1, -1, -1, 2, 1, -2]; // [2, 3]
const B1 = [0, 0.5, -1];
const W2 = [1, -2, 3]; // [3, 1]
// Pre-activations: [5, 1.5, -6] and [1, -3.5, -2]; hidden unit 2 never fires; out = [2, 1].
const X = [1, 2, 3, -1];

const shape = (...d: number[]) => ({ dim: d.map((size) => ({ size: String(size) })) });
const float = { T: { type: 'DT_FLOAT' } };

/** The net as a GraphModel topology (Placeholder, Consts, MatMul, BiasAdd, Relu, MatMul). */
async function reluGraphModel(): Promise<GraphModel> {
  const weights = { 'dense1/kernel': [2, 3], 'dense1/bias': [3], 'out/kernel': [3, 1] };
  const consts = Object.entries(weights).map(([name, dims]) => ({
    name,
    op: 'Const',
    attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: shape(...dims) } } },
  }));
  const matMul = (name: string, input: string[]) => ({
    name,
    op: 'MatMul',
    input,
    attr: { ...float, transpose_a: { b: false }, transpose_b: { b: false } },
  });
  const node = [
    {
      name: 'x',
      op: 'Placeholder',
      attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: shape(-1, 2) } },
    },
    ...consts,
    matMul('dense1/MatMul', ['x', 'dense1/kernel']),
    { name: 'dense1/BiasAdd', op: 'BiasAdd', input: ['dense1/MatMul', 'dense1/bias'], attr: float },
    { name: 'dense1/Relu', op: 'Relu', input: ['dense1/BiasAdd'], attr: float },
    matMul('out', ['dense1/Relu', 'out/kernel']),
  ];
  const weightSpecs = Object.entries(weights).map(([name, dims]) => ({
    name,
    shape: dims,
    dtype: 'float32' as const,
  }));
  const weightData = Float32Array.from([...W1, ...B1, ...W2]).buffer;
  return loadGraphModel(
    tf.io.fromMemory({
      modelTopology: { node, versions: { producer: 1 } },
      weightSpecs,
      weightData,
    }),
  );
}

describe('ModelDebugger(graphModel, { data }) on a hand-worked ReLU net', () => {
  it('checkGradientFlow: gradients of the output w.r.t. the input and each node, by hand', async () => {
    const model = await reluGraphModel();
    const x = tf.tensor2d(X, [2, 2]);
    const dbg = new ModelDebugger(model, { data: [x] });
    const layers = ['dense1/MatMul', 'dense1/BiasAdd', 'dense1/Relu', 'out'];
    const flow = await expectNoLeakedTensors(() => dbg.checkGradientFlow({ layers }));
    // d out / d relu = W2 per item; through the ReLU (units 0, 1 on for item 0, unit 0 for item
    // 1): [1, -2, 0] and [1, 0, 0]; d out / d x = W1 of those: [3, 0] and [1, 2].
    expect(flow.layers.map((r) => [r.layer, r.type, r.params])).toEqual([
      ['input', 'Input', 0],
      ['dense1/MatMul', 'MatMul', 6],
      ['dense1/BiasAdd', 'BiasAdd', 3],
      ['dense1/Relu', 'Relu', 0],
      ['out', 'MatMul', 3],
    ]);
    const norms = [Math.sqrt(14), Math.sqrt(6), Math.sqrt(6), Math.sqrt(28), Math.SQRT2];
    const meanAbs = [6 / 4, 4 / 6, 4 / 6, 12 / 6, 1];
    const maxAbs = [3, 2, 2, 3, 1];
    flow.layers.forEach((r, i) => {
      expect(r.gradNorm).toBeCloseTo(norms[i]!, 5);
      expect(r.meanAbsGrad).toBeCloseTo(meanAbs[i]!, 5);
      expect(r.maxAbsGrad).toBeCloseTo(maxAbs[i]!, 5);
    });
    expect(flow.warnings).toEqual([]);
    // The default nodes are those holding weights.
    const byDefault = await dbg.checkGradientFlow();
    expect(byDefault.layers.map((r) => r.layer)).toEqual([
      'input',
      'dense1/MatMul',
      'dense1/BiasAdd',
      'out',
    ]);
    await expect(dbg.checkGradientFlow({ target: 1 })).rejects.toThrow(
      interpError(/target 1 is out of range; the model has 1 outputs per item/),
    );
    x.dispose();
    model.dispose();
  });

  it('runs on a Learner around the graph, over its loaders (train: gradients, valid: dead units)', async () => {
    const model = await reluGraphModel();
    const dl = (batchSize: number) =>
      arrayDataLoader(
        { data: Float32Array.from(X), shape: [2, 2] },
        { data: Float32Array.from([0, 0]), shape: [2] },
        { batchSize },
      );
    const learn = new Learner(graphOf(model), { dls: new DataLoaders(dl(2), dl(1)) });
    const dbg = new ModelDebugger(learn);
    expect(dbg.learn).toBe(learn);
    const flow = await expectNoLeakedTensors(() => dbg.checkGradientFlow({ layers: ['out'] }));
    // One train batch of both items: the same numbers as by hand above.
    expect(flow.batches).toBe(1);
    expect(flow.layers[0]!.gradNorm).toBeCloseTo(Math.sqrt(14), 5);
    expect(flow.layers[1]!.gradNorm).toBeCloseTo(Math.SQRT2, 5);
    // The valid loader's two batches of one item: the ReLU's unit 2 is dead over both.
    const dead = await expectNoLeakedTensors(() =>
      dbg.checkDeadNeurons({ layers: ['dense1/Relu'] }),
    );
    expect([dead.items, dead.layers[0]!.deadUnits]).toEqual([2, [2]]);
    const viaTrain = await dbg.checkDeadNeurons({ dsIdx: 0, layers: ['dense1/Relu'] });
    expect(viaTrain.items).toBe(2);
    // summary and modelSizes see the graph's nodes: 6 + 3 + 3 float32 weights.
    expect(summary(learn).layers.map((r) => [r.name, r.type, r.params])).toEqual([
      ['dense1/MatMul', 'MatMul', 6],
      ['dense1/BiasAdd', 'BiasAdd', 3],
      ['dense1/Relu', 'Relu', 0],
      ['out', 'MatMul', 3],
    ]);
    expect(modelSizes(learn).totalParamBytes).toBe(12 * 4);
    model.dispose();
  });

  it('checkLayerOutputs and checkDeadNeurons: the hidden unit 2 never fires', async () => {
    const model = await reluGraphModel();
    const x = tf.tensor2d(X, [2, 2]);
    const dbg = new ModelDebugger(model, { data: [x] });
    const outputs = await expectNoLeakedTensors(() => dbg.checkLayerOutputs(x));
    const relu = outputs.layers.find((r) => r.layer === 'dense1/Relu')!;
    // [5, 1.5, 0, 1, 0, 0]: mean 1.25, sample std sqrt(sum (v - 1.25)^2 / 5).
    const values = [5, 1.5, 0, 1, 0, 0];
    const sampleStd = Math.sqrt(values.reduce((a, v) => a + (v - 1.25) ** 2, 0) / 5);
    expect([relu.shape, relu.min, relu.max]).toEqual([[2, 3], 0, 5]);
    expect(relu.mean).toBeCloseTo(1.25, 6);
    expect(relu.std).toBeCloseTo(sampleStd, 5);
    const out = outputs.layers.find((r) => r.layer === 'out')!;
    expect([out.min, out.max, out.mean]).toEqual([1, 2, 1.5]);
    const dead = await expectNoLeakedTensors(() => dbg.checkDeadNeurons());
    const row = (name: string) => dead.layers.find((r) => r.layer === name)!;
    expect([row('dense1/Relu').units, row('dense1/Relu').deadUnits]).toEqual([3, [2]]);
    expect(row('out').deadUnits).toEqual([]);
    expect(dead.items).toBe(2);
    x.dispose();
    model.dispose();
  });

  it('checkWeightDistribution: the three weight tensors, statistics by hand', async () => {
    const model = await reluGraphModel();
    const report = await expectNoLeakedTensors(() =>
      new ModelDebugger(model).checkWeightDistribution({ bins: 4 }),
    );
    expect(report.weights.map((w) => [w.layer, w.name, w.shape, w.count])).toEqual([
      ['dense1/MatMul', 'dense1/kernel', [2, 3], 6],
      ['dense1/BiasAdd', 'dense1/bias', [3], 3],
      ['out', 'out/kernel', [3, 1], 3],
    ]);
    const [k1, b1, k2] = report.weights;
    // W1: mean 0, population std sqrt(12 / 6); b1: one zero of three.
    expect([k1!.mean, k1!.min, k1!.max]).toEqual([0, -2, 2]);
    expect(k1!.std).toBeCloseTo(Math.SQRT2, 6);
    expect(b1!.mean).toBeCloseTo(-1 / 6, 6);
    expect(b1!.zeroFraction).toBeCloseTo(1 / 3, 6);
    expect(k2!.mean).toBeCloseTo(2 / 3, 6);
    expect(k2!.hist.counts.reduce((a, c) => a + c, 0)).toBe(3);
    model.dispose();
  });

  it('ActivationStats.fromGraph and hookGraphOutputs record the ReLU output', async () => {
    const model = await reluGraphModel();
    const x = tf.tensor2d(X, [2, 2]);
    const half = tf.tensor2d([1, 2], [1, 2]);
    const activs = await expectNoLeakedTensors(() =>
      ActivationStats.fromGraph(model, [x, half], { layers: ['dense1/Relu'] }),
    );
    const stats = activs.layerStats('dense1/Relu');
    // Batch 1: [5, 1.5, 0, 1, 0, 0] (3 of 6 at most 0.05); batch 2: item 0 alone [5, 1.5, 0].
    expect(stats.mean[0]).toBeCloseTo(1.25, 6);
    expect(stats.mean[1]).toBeCloseTo(6.5 / 3, 6);
    expect(stats.nearZero).toEqual([0.5, expect.closeTo(1 / 3, 6)]);
    activs.remove();
    const hooks = hookGraphOutputs(graphOf(model), ['dense1/Relu']);
    await expectNoLeakedTensors(async () => {
      const y = hooks.run(x);
      expect(Array.from(await y.data())).toEqual([2, 1]);
      expect(Array.from(await hooks.get('dense1/Relu')!.data())).toEqual([5, 1.5, 0, 1, 0, 0]);
      y.dispose();
      hooks.remove();
    });
    expect(() => hookGraphOutputs(graphOf(model), ['dense2'])).toThrow(interpError(/dense2/));
    tf.dispose([x, half]);
    model.dispose();
  });
});

/** The model graph ModelDebugger builds from a GraphModel. */
function graphOf(model: GraphModel) {
  return new ModelDebugger(model).graph!;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('ModelDebugger(nsfwjs MobileNetV2 GraphModel).checkWeightDistribution()', () => {
  it('equals the statistics of the dequantized uint8 shards, read here from the files', async () => {
    const script = join(ROOT, 'scripts/extract-nsfwjs-models.mjs');
    const out = execFileSync(process.execPath, [script], { encoding: 'utf8' }).split('\n');
    const path = out.find((p) => p.endsWith('/mobilenet_v2_mid/model.json'))!;
    const json = JSON.parse(readFileSync(path, 'utf8'));
    const { bytes } = shards(path);
    const model = await loadGraphModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      }),
    );
    try {
      const report = await new ModelDebugger(model).checkWeightDistribution();
      const expected = shardStatistics(path);
      const floats = [...expected.values()];
      // The manifest lists 108 float32 weights (uint8-quantized), each a parameter of one node.
      expect(floats.length).toBe(108);
      expect(report.weights.length).toBe(floats.length);
      for (const w of report.weights) {
        const e = expected.get(w.name)!;
        expect(w.count).toBe(e.count);
        expect(w.mean).toBeCloseTo(e.mean, 5);
        expect(w.std).toBeCloseTo(e.std, 5);
        expect(w.min).toBeCloseTo(e.min, 5);
        expect(w.max).toBeCloseTo(e.max, 5);
      }
    } finally {
      model.dispose();
    }
  });
});

/** The manifest's weights and the bytes of its shards, concatenated in order. */
function shards(modelJson: string): { weights: ManifestWeight[]; bytes: Buffer } {
  const json = JSON.parse(readFileSync(modelJson, 'utf8')) as {
    weightsManifest: { paths: string[]; weights: ManifestWeight[] }[];
  };
  const paths = json.weightsManifest.flatMap((g) => g.paths);
  return {
    weights: json.weightsManifest.flatMap((g) => g.weights),
    bytes: Buffer.concat(paths.map((p) => readFileSync(join(dirname(modelJson), p)))),
  };
}

interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min: number; scale: number };
}

/** count, mean, population std, min and max of each float weight, from the shard bytes. */
function shardStatistics(modelJson: string) {
  const { weights, bytes } = shards(modelJson);
  const stats = new Map<
    string,
    { count: number; mean: number; std: number; min: number; max: number }
  >();
  let offset = 0;
  for (const w of weights) {
    const count = w.shape.reduce((a, b) => a * b, 1);
    const q = w.quantization;
    const width = q ? (q.dtype === 'uint8' ? 1 : 2) : 4;
    if (w.dtype === 'float32') {
      let sum = 0;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      const values = new Float64Array(count);
      for (let i = 0; i < count; i++) {
        const code = !q
          ? bytes.readFloatLE(offset + 4 * i)
          : q.dtype === 'uint8'
            ? bytes[offset + i]!
            : bytes.readUInt16LE(offset + 2 * i);
        const v = q ? Math.fround(q.min + q.scale * code) : code;
        values[i] = v;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      const mean = sum / count;
      const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / count);
      stats.set(w.name, { count, mean, std, min, max });
    }
    offset += count * width;
  }
  return stats;
}
