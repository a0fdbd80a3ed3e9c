import { isInterpError, setupBackend, toModelGraph } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { GradCAM, gradCAMDefaults } from './grad-cam.js';
import { expectInterpErrors } from './test-interp-errors.js';
import { demoCnn, learnerFor } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

// x (4x4x1). Conv 'feat' (2x2 kernel, stride 2, relu): channel 0 sums each 2x2 block, channel 1
// negates the sum. Block sums: [[4, 4], [-2, 4]], so A0 = [[4, 4], [0, 4]], A1 = [[0, 0], [2, 0]].
const X = [
  [1, 2, 0, -1],
  [0, 1, 3, 2],
  [-2, 0, 1, 1],
  [1, -1, 0, 2],
];
// Dense weights by flattened index (h * 2 + w) * 2 + c; column 0 then column 1.
const W_COL0 = [1, -1, 2, 0, 3, 4, 2, 1];
const W_COL1 = [0.5, 2, -1, 2, 0, -4, -0.5, 0];
// Class 0: channel weights mean(1, 2, 3, 2) = 2 and mean(-1, 0, 4, 1) = 1, CAM = 2 A0 + A1.
const CAM0 = [
  [8, 8],
  [2, 8],
];
// Class 1: weights mean(0.5, -1, 0, -0.5) = -0.25 and mean(2, 2, -4, 0) = 0, CAM = -0.25 A0.
const CAM1 = [
  [-1, -1],
  [0, -1],
];
// CAM0 resized 2x2 -> 4x4 with half-pixel centers: rows/cols sample at -0.25, 0.25, 0.75, 1.25
// (clamped), i.e. weights [1, 0], [.75, .25], [.25, .75], [0, 1].
const CAM0_UP = [
  [8, 8, 8, 8],
  [6.5, 6.875, 7.625, 8],
  [3.5, 4.625, 6.875, 8],
  [2, 3.5, 6.5, 8],
];

function featLayer(): tfl.layers.Layer {
  return tfl.layers.conv2d({
    name: 'feat',
    filters: 2,
    kernelSize: 2,
    strides: 2,
    activation: 'relu',
    weights: [
      tf.tensor4d(Array.from({ length: 4 }, () => [1, -1]).flat(), [2, 2, 1, 2]),
      tf.zeros([2]),
    ],
  });
}

function head(): tfl.layers.Layer {
  const kernel = tf.tensor2d(W_COL0.map((v, i) => [v, W_COL1[i]!]));
  return tfl.layers.dense({ name: 'head', units: 2, weights: [kernel, tf.zeros([2])] });
}

function sequentialNet(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(tfl.layers.inputLayer({ inputShape: [4, 4, 1] }));
  m.add(featLayer());
  m.add(tfl.layers.flatten());
  m.add(head());
  return m;
}

function nestedFunctionalNet(): tfl.LayersModel {
  const innerIn = tfl.input({ shape: [4, 4, 1] });
  const backbone = tfl.model({
    inputs: innerIn,
    outputs: featLayer().apply(innerIn) as tfl.SymbolicTensor,
    name: 'backbone',
  });
  const x = tfl.input({ shape: [4, 4, 1] });
  const features = backbone.apply(x) as tfl.SymbolicTensor;
  const flat = tfl.layers.flatten().apply(features) as tfl.SymbolicTensor;
  const main = head().apply(flat) as tfl.SymbolicTensor;
  // A skip branch that does not go through 'feat': substituting the activation must leave it be.
  const skip = tfl.layers
    .dense({ units: 2, weights: [tf.fill([16, 2], 0.5), tf.zeros([2])] })
    .apply(tfl.layers.flatten().apply(x) as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  const out = tfl.layers.add().apply([main, skip]) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: out });
}

const input = () => tf.tensor4d(X.flat(), [1, 4, 4, 1]);

describe('GradCAM', () => {
  it('has the expected defaults', () => {
    expect(gradCAMDefaults).toEqual({ relu: true, upsample: true });
    expect(new GradCAM(sequentialNet()).layerName).toBe('feat');
  });

  it('attribute(x) matches the hand-computed map of a Sequential net (default layer and target)', async () => {
    const x = input();
    const cam = await new GradCAM(learnerFor(sequentialNet())).attribute(x);
    expect(cam.shape).toEqual([1, 4, 4]);
    expect(maxAbsDiff(await cam.data(), CAM0_UP.flat())).toBeLessThan(1e-5);
    tf.dispose([x, cam]);
  });

  it('attribute(x, { upsample: false, relu }) returns the layer-resolution map', async () => {
    const x = input();
    const model = sequentialNet();
    const cam0 = await new GradCAM(model, { layer: 1 }).attribute(x, { upsample: false });
    expect(cam0.shape).toEqual([1, 2, 2]);
    expect(maxAbsDiff(await cam0.data(), CAM0.flat())).toBeLessThan(1e-5);
    const cam1 = await new GradCAM(model, { layer: 'feat' }).attribute(x, {
      target: 1,
      upsample: false,
      relu: false,
    });
    expect(maxAbsDiff(await cam1.data(), CAM1.flat())).toBeLessThan(1e-5);
    const cam1Relu = await new GradCAM(model).attribute(x, { target: 1, upsample: false });
    expect(maxAbsDiff(await cam1Relu.data(), [0, 0, 0, 0])).toBeLessThan(1e-6);
    tf.dispose([x, cam0, cam1, cam1Relu]);
  });

  it('attribute(x) reaches a layer inside a nested model of a functional graph with a skip branch', async () => {
    const x = tf.concat([input(), tf.mul(input(), -1)]);
    const model = nestedFunctionalNet();
    const gc = new GradCAM(model);
    expect(gc.layerName).toBe('feat');
    const cam = await gc.attribute(x, { target: [0, 0] });
    // Item 1 is -x: A0 and A1 swap, so its class-0 map is 2 A1 + A0 = [[4, 4], [4, 4]].
    const flat = await cam.data();
    expect(maxAbsDiff(flat.slice(0, 16), CAM0_UP.flat())).toBeLessThan(1e-5);
    expect(maxAbsDiff(flat.slice(16), new Array(16).fill(4))).toBeLessThan(1e-5);
    tf.dispose([x, cam]);
  });

  it('attribute(x) on cpu gives the same numbers as on wasm', async () => {
    const x = input();
    const model = nestedFunctionalNet();
    const onWasm = await new GradCAM(model).attribute(x, { target: 1, relu: false });
    const wasmData = await onWasm.data();
    tf.dispose([x, onWasm]);
    await setupBackend('cpu');
    try {
      const x2 = input();
      const onCpu = await new GradCAM(model).attribute(x2, { target: 1, relu: false });
      expect(maxAbsDiff(await onCpu.data(), wasmData)).toBeLessThan(1e-4);
      tf.dispose([x2, onCpu]);
    } finally {
      await setupBackend('wasm');
    }
  });

  it('rejects bad input with InterpError', async () => {
    const model = sequentialNet();
    const cases: [() => unknown, RegExp][] = [
      [() => new GradCAM(model, { layer: 'conv9' }), /no node or layer named "conv9"/],
      [() => new GradCAM(model, { layer: 'fet' }), /closest: "feat"/],
      [() => new GradCAM(model, { layer: 7 }), /layer index 7 is out of range/],
      [() => new GradCAM(model, { layer: 0 }), /layer 0 is the model's input layer/],
      [() => new GradCAM((x: tf.Tensor) => x), /needs a model with layers/],
      [
        () =>
          new GradCAM(
            tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [3], units: 2 })] }),
          ),
        /no layer with a 4-D/,
      ],
    ];
    expectInterpErrors(cases);
    const x = input();
    const err = await new GradCAM(model).attribute(x, { target: 2 }).catch((e: unknown) => e);
    expect(isInterpError(err)).toBe(true);
    expect((err as Error).message).toMatch(/target = 2 is out of range/);
    const flatErr = await new GradCAM(model, { layer: 'head' })
      .attribute(x)
      .catch((e: unknown) => e);
    expect((flatErr as Error).message).toMatch(/needs a 4-D/);
    tf.dispose(x);
  });

  it('leaks no tensors', async () => {
    const x = input();
    const model = nestedFunctionalNet();
    const gc = new GradCAM(model);
    await gc.attribute(x); // first call builds lazily-created state
    await expectNoLeakedTensors(() => gc.attribute(x));
    await expectNoLeakedTensors(() => gc.attribute(x, { upsample: false, target: 1 }));
    await expectNoLeakedTensors(() => gc.attribute(x, { target: 5 }).catch(() => undefined));
    tf.dispose(x);
  });
});

// A functional net whose last 4-D output is a 1 x 1 pooled map (as MobileNetV2's pooling): a
// map at that layer is one number per item, upsampled to a constant image.
function pooledNet(): tfl.LayersModel {
  const x = tfl.input({ shape: [6, 6, 1] });
  const features = tfl.layers
    .conv2d({
      name: 'features',
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
      biasInitializer: tfl.initializers.constant({ value: 0.1 }),
    })
    .apply(x) as tfl.SymbolicTensor;
  const pooled = tfl.layers.averagePooling2d({ name: 'pool', poolSize: 6 }).apply(features);
  const flat = tfl.layers.flatten().apply(pooled as tfl.SymbolicTensor) as tfl.SymbolicTensor;
  const out = tfl.layers
    .dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) })
    .apply(flat) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: out });
}

describe('GradCAM default layer', () => {
  it('new GradCAM(model) skips a 1 x 1 pooled output: the map has structure', async () => {
    const model = pooledNet();
    const gc = new GradCAM(model);
    expect(gc.layerName).toBe('features');
    expect(gc.layerChoice).toBe('default');
    expect(new GradCAM(model, { layer: 'pool' }).layerChoice).toBe('given');
    const x = tf.tensor4d(
      Array.from({ length: 36 }, (_, i) => ((i * 7) % 11) / 10 - 0.3),
      [1, 6, 6, 1],
    );
    const cam = await gc.attribute(x, { relu: false, upsample: false });
    const values = Array.from(await cam.data());
    expect(cam.shape).toEqual([1, 6, 6]);
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(1e-3);
    tf.dispose([x, cam]);
  });

  it('new GradCAM(demoCnn) picks the last 5 x 5 max-pool map', async () => {
    const model = demoCnn(0);
    const gc = new GradCAM(model);
    const node = toModelGraph(model).findNode(gc.layerName);
    expect([node.op, node.outputShape]).toEqual(['MaxPooling2D', [null, 5, 5, 32]]);
    const x = tf.tensor4d(
      Array.from({ length: 784 }, (_, i) => ((i * 13) % 17) / 17),
      [1, 28, 28, 1],
    );
    const cam = await gc.attribute(x, { relu: false, upsample: false });
    const values = Array.from(await cam.data());
    expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(1e-4);
    tf.dispose([x, cam]);
  });

  it('attribute(x, { onWarning }) warns when a map is all zero after its ReLU', async () => {
    const x = input();
    const gc = new GradCAM(sequentialNet());
    const heard: string[] = [];
    // Class 1's map is -0.25 A0 <= 0 everywhere (see CAM1): nothing survives the ReLU.
    const cam = await gc.attribute(x, { target: 1, onWarning: (m) => heard.push(m) });
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatch(/map of item 0 \(class 1\) is all zero after its ReLU: layer "feat"/);
    expect(gc.warnings).toEqual(heard);
    const ok = await gc.attribute(x, { target: 0 });
    expect(gc.warnings).toEqual([]);
    tf.dispose([x, cam, ok]);
  });
});
