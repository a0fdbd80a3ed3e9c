// ModelDebugger on model graphs (no training loop): hand-worked linear nets, an ONNX MLP against
// finite differences and numpy (python onnx numpy_helper), NaN propagation worked by hand.
import { fileURLToPath } from 'node:url';
import { functionGraph, Learner, layersModelGraph, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
// @interp/onnx is not a dependency of @interp/debug; its source is imported for the oracle test only.
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkGraphDeadNeurons } from './check-graph-dead-neurons.js';
import { checkGraphGradientFlow } from './check-graph-gradient-flow.js';
import { checkGraphLayerOutputs } from './check-graph-layer-outputs.js';
import { checkGraphWeightDistribution } from './check-graph-weight-distribution.js';
import { checkModel } from './check-model.js';
import { ModelDebugger } from './model-debugger.js';
import { identityThenDeadModel, interpError, X3, x3Learner } from './test-models.js';

const onnxModel = (name: string) =>
  loadOnnxModel(fileURLToPath(new URL(`../../onnx/test-models/${name}`, import.meta.url)));

beforeAll(async () => {
  await setupBackend('wasm');
});

/** a: x K_a, K_a = [[1, 2], [3, 4]]; b: a K_b, K_b = [[1], [-1]] (no biases). */
function linearNet(kb = [[1], [-1]]): tfl.Sequential {
  const m = tfl.sequential();
  m.add(
    tfl.layers.dense({
      units: 2,
      inputShape: [2],
      name: 'a',
      useBias: false,
      weights: [
        tf.tensor2d([
          [1, 2],
          [3, 4],
        ]),
      ],
    }),
  );
  m.add(tfl.layers.dense({ units: 1, name: 'b', useBias: false, weights: [tf.tensor2d(kb)] }));
  return m;
}

const mlpInput = (n: number) =>
  tf.tensor2d(
    Float32Array.from({ length: n * 8 }, (_, k) => 2 * Math.sin(0.37 * k)),
    [n, 8],
  );

describe('new ModelDebugger(graph, { data }).checkGradientFlow()', () => {
  it('reports gradients w.r.t. the input and each node output, worked by hand', async () => {
    const model = linearNet();
    const x = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    await expectNoLeakedTensors(async () => {
      const flow = await new ModelDebugger(model, { data: [x] }).checkGradientFlow();
      // d(sum b)/d b = 1 per item; d/d a = K_b^T = [1, -1] per item; d/d x = K_a K_b = [-1, -1].
      expect(flow.layers.map((r) => [r.layer, r.type, r.params, r.status])).toEqual([
        ['input', 'Input', 0, 'ok'],
        ['a', 'Dense', 4, 'ok'],
        ['b', 'Dense', 2, 'ok'],
      ]);
      const [input, a, b] = flow.layers;
      expect(input!.gradNorm).toBeCloseTo(2, 6);
      expect(input!.meanAbsGrad).toBeCloseTo(1, 6);
      expect(a!.gradNorm).toBeCloseTo(2, 6);
      expect(b!.gradNorm).toBeCloseTo(Math.SQRT2, 6);
      expect(b!.maxAbsGrad).toBe(1);
      expect(flow.batches).toBe(1);
      expect(flow.warnings).toEqual([]);
    });
    // A zero last kernel stops every gradient upstream of it.
    const dead = linearNet([[0], [0]]);
    const flow = await new ModelDebugger(layersModelGraph(dead), { data: [x] }).checkGradientFlow();
    expect(flow.vanishing).toEqual(['input', 'a']);
    expect(flow.warnings[0]).toMatch(/vanishing gradients .* in input, a/);
    tf.dispose([x]);
    model.dispose();
    dead.dispose();
  });

  it('on the ONNX MLP, the input gradient of output 1 matches central finite differences', async () => {
    const mlp = await onnxModel('mlp.onnx');
    const x = mlpInput(2);
    try {
      const flow = await checkGraphGradientFlow(mlp, [x], { target: 1 });
      expect(flow.layers.map((r) => r.layer)).toEqual([
        'input',
        '/fc1/Gemm',
        '/fc2/Gemm',
        '/head/Gemm',
      ]);
      // Finite differences of sum_i out[i, 1] in each input coordinate (eps 1e-2, float32).
      const base = Array.from(await x.data());
      const score = async (v: number[]) => {
        const out = mlp.predict(tf.tensor2d(v, [2, 8]));
        const s = (await out.data())[1]! + (await out.data())[4]!;
        tf.dispose(out);
        return s;
      };
      let sq = 0;
      let abs = 0;
      for (let k = 0; k < base.length; k++) {
        const up = [...base];
        const down = [...base];
        up[k]! += 1e-2;
        down[k]! -= 1e-2;
        const g = ((await score(up)) - (await score(down))) / 2e-2;
        sq += g * g;
        abs += Math.abs(g);
      }
      expect(flow.layers[0]!.gradNorm).toBeCloseTo(Math.sqrt(sq), 2);
      expect(flow.layers[0]!.meanAbsGrad).toBeCloseTo(abs / base.length, 2);
      // The head's output gradient is the one-hot mask: norm sqrt(2 items).
      expect(flow.layers[3]!.gradNorm).toBeCloseTo(Math.SQRT2, 5);
      await expectNoLeakedTensors(() => checkGraphGradientFlow(mlp, [x], { nBatches: 1 }));
    } finally {
      x.dispose();
      mlp.dispose();
    }
  });
});

describe('checkGraphGradientFlow on an NCHW ONNX CNN (conv, BN, ReLU6, depthwise, pools)', () => {
  it('hooks that add zeros leave the input gradient as tf.grad of the plain forward pass', async () => {
    const cnn = await onnxModel('small-cnn.onnx');
    const x = tf.randomNormal([2, 3, 8, 8], 0, 1, 'float32', 5);
    try {
      const flow = await checkGraphGradientFlow(cnn, [x], { target: 2 });
      expect(flow.layers.length).toBeGreaterThan(3);
      const sq = tf.tidy(() => {
        const g = tf.grad((xi: tf.Tensor) => tf.sum(tf.slice(cnn.predict(xi), [0, 2], [-1, 1])))(x);
        return tf.sum(tf.square(g));
      });
      const norm = Math.sqrt((await sq.data())[0]!);
      sq.dispose();
      expect(flow.layers[0]!.gradNorm).toBeCloseTo(norm, 4);
      expect(flow.nonFinite).toEqual([]);
    } finally {
      x.dispose();
      cnn.dispose();
    }
  });
});

describe('ModelDebugger(graph).checkLayerOutputs / checkDeadNeurons / checkWeightDistribution', () => {
  it('layer outputs: X3 through identity (hand-worked), a constant dead layer warned', async () => {
    const model = identityThenDeadModel();
    const x = tf.tensor2d(X3, [3, 2]);
    await expectNoLeakedTensors(async () => {
      const report = await new ModelDebugger(model).checkLayerOutputs(x);
      const [identity, dead] = report.layers;
      expect(identity!.mean).toBeCloseTo(19.85 / 6, 5);
      expect([identity!.min, identity!.max, identity!.shape]).toEqual([-1, 10.5, [3, 2]]);
      expect(dead!.min).toBe(0);
      expect(report.warnings).toEqual([
        'dead outputs the constant 0 for every item: it passes no information on',
      ]);
    });
    x.dispose();
    model.dispose();
  });

  it('layer outputs on ONNX: one NaN input feature makes that item row NaN in every Gemm', async () => {
    const mlp = await onnxModel('mlp.onnx');
    const values = Array.from(await mlpInput(2).data());
    values[3] = Number.NaN;
    const x = tf.tensor2d(values, [2, 8]);
    try {
      const report = await checkGraphLayerOutputs(mlp, x, { layers: ['/fc1/Gemm', '/head/Gemm'] });
      // Item 0's 16 fc1 units and 3 logits each read feature 3.
      expect(report.layers.map((r) => r.nanCount)).toEqual([16, 3]);
      expect(report.warnings[0]).toBe('/fc1/Gemm outputs 16 NaN and 0 infinite values');
    } finally {
      x.dispose();
      mlp.dispose();
    }
  });

  it('dead neurons over data: hand-worked on X3; ONNX NCHW units are channels', async () => {
    const model = identityThenDeadModel();
    const x = tf.tensor2d(X3, [3, 2]);
    await expectNoLeakedTensors(async () => {
      const report = await new ModelDebugger(model, { data: [x, x] }).checkDeadNeurons();
      // identity's column maxima are 0.3 and 10.5; the dead layer outputs 0 everywhere.
      expect(report.layers.map((r) => [r.layer, r.deadUnits])).toEqual([
        ['identity', []],
        ['dead', [0, 1]],
      ]);
      expect(report.items).toBe(6);
      expect(report.warnings[0]).toMatch(/^dead: 2 of 2 units .* the layer is dead/);
    });
    const cnn = await onnxModel('small-cnn.onnx');
    const img = tf.randomNormal([2, 3, 8, 8], 0, 1, 'float32', 3);
    try {
      const report = await new ModelDebugger(cnn, { data: [img] }).checkDeadNeurons();
      for (const row of report.layers) {
        const shape = cnn.findNode(row.layer).outputShape!;
        expect(row.units).toBe(shape.length === 4 ? shape[1] : shape.at(-1));
      }
    } finally {
      tf.dispose([img, x]);
      cnn.dispose();
      model.dispose();
    }
  });

  it('weight distribution of ONNX initializers equals numpy; a plain function is refused', async () => {
    const mlp = await onnxModel('mlp.onnx');
    try {
      const report = await new ModelDebugger(mlp).checkWeightDistribution({ bins: 4 });
      // numpy over numpy_helper.to_array(initializer): mean, population std, min, max.
      const numpy: Record<string, number[]> = {
        'fc1.weight': [
          -0.014189040375640616, 0.20518765416983703, -0.35267937183380127, 0.35147911310195923,
        ],
        'fc1.bias': [
          0.04377410310553387, 0.18222875211159062, -0.28978002071380615, 0.3356683552265167,
        ],
        'head.bias': [
          0.08290669322013855, 0.04063309236387327, 0.03482732176780701, 0.13420170545578003,
        ],
      };
      for (const [name, [mean, std, min, max]] of Object.entries(numpy)) {
        const w = report.weights.find((r) => r.name === name)!;
        expect(w.mean).toBeCloseTo(mean!, 6);
        expect(w.std).toBeCloseTo(std!, 6);
        expect([w.min, w.max]).toEqual([Math.fround(min!), Math.fround(max!)]);
        expect(w.hist.counts.reduce((a, c) => a + c, 0)).toBe(w.count);
      }
      expect(report.weights.map((w) => w.layer)).toEqual([
        '/fc1/Gemm',
        '/fc1/Gemm',
        '/fc2/Gemm',
        '/fc2/Gemm',
        '/head/Gemm',
        '/head/Gemm',
      ]);
      expect(report.warnings).toEqual([]);
    } finally {
      mlp.dispose();
    }
    const fn = new ModelDebugger(functionGraph((x: tf.Tensor) => tf.relu(x)));
    await expect(fn.checkWeightDistribution()).rejects.toThrow(
      interpError(/checkWeightDistribution needs the model's weights.*kind function/),
    );
  });

  it('rejects bad input with an InterpError naming the problem', async () => {
    const model = linearNet();
    const graph = layersModelGraph(model);
    const dbg = new ModelDebugger(graph);
    await expect(dbg.checkDeadNeurons()).rejects.toThrow(
      interpError(/checkDeadNeurons on a model graph needs batches/),
    );
    await expect(dbg.checkGradientFlow()).rejects.toThrow(
      interpError(/checkGradientFlow on a model graph needs batches/),
    );
    await expect(dbg.checkLayerOutputs([1, 2] as never)).rejects.toThrow(
      interpError(/needs an input tensor x/),
    );
    await expect(checkGraphGradientFlow(graph, [tf.ones([1, 2])], { target: 3 })).rejects.toThrow(
      interpError(/target 3 is out of range; the model has 1 outputs/),
    );
    await expect(checkGraphGradientFlow(graph, [])).rejects.toThrow(
      interpError(/data held no batch/),
    );
    await expect(checkGraphDeadNeurons(graph, 5 as never)).rejects.toThrow(
      interpError(/batches must be an array of tensors or a data loader/),
    );
    await expect(checkGraphDeadNeurons(graph, [])).rejects.toThrow(
      interpError(/checkDeadNeurons: data held no batch/),
    );
    await expect(checkGraphWeightDistribution(graph, { bins: 0 })).rejects.toThrow(
      interpError(/bins/),
    );
    const fnLearner = new Learner((x: tf.Tensor) => tf.relu(x), {
      dls: x3Learner(model, 1).dls,
    });
    expect(() => new ModelDebugger(fnLearner)).toThrow(
      interpError(
        /wraps a plain function.*pass the model itself: new ModelDebugger\(model, \{ data \}\)/,
      ),
    );
    expect(() => new ModelDebugger(42 as never)).toThrow(
      interpError(/ModelDebugger: the model must be/),
    );
    model.dispose();
  });
});

describe('checkModel(graph)', () => {
  it('refuses a model graph: the checks train, and a graph has no trainable weights or loss', async () => {
    const model = identityThenDeadModel();
    await expect(checkModel(layersModelGraph(model) as never)).rejects.toThrow(
      interpError(
        /checkModel trains the model .*\(kind layers\).*ModelDebugger\(graph, \{ data \}\)/,
      ),
    );
    // The learner of the same model still runs every check.
    expect((await checkModel(x3Learner(model, 1))).checks.length).toBeGreaterThan(0);
    model.dispose();
  });
});
