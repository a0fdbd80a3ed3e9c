import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { DataLoaders } from './data-loader.js';
import { InterpError } from './errors.js';
import { backendDataIds } from './kernels/test-kernel-helpers.js';
import { Learner } from './learner.js';
import { createRng } from './random.js';
import { targetInputGradient } from './target-input-gradient.js';
import { chainGraph, expectNoLeakedTensors } from './testing.js';

type LayerFactory = () => tfl.layers.Layer[];

let seed = 1;
const init = () => ({
  kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }),
  // Non-zero biases: ReLU thresholds and max-pool winners then depend on them.
  biasInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 0.3, seed: seed++ }),
});

function randomInput(shape: number[], s: number): tf.Tensor {
  const rng = createRng(s);
  return tf.tensor(
    Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => rng.normal()),
    shape,
  );
}

function sequential(inputShape: number[], layers: LayerFactory): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.inputLayer({ inputShape }));
  for (const layer of layers()) model.add(layer);
  return model;
}

/** The same layers wired as a functional model (tf.input -> ... -> tf.model). */
function functional(inputShape: number[], layers: LayerFactory): tfl.LayersModel {
  const input = tfl.input({ shape: inputShape });
  let out: tfl.SymbolicTensor = input;
  for (const layer of layers()) out = layer.apply(out) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** Independent reference: tf.grad of sum(model.apply(x) * weights) through the tape. */
function referenceGradient(model: tfl.LayersModel, x: tf.Tensor, weights: tf.Tensor) {
  return tf.grad((z: tf.Tensor) =>
    tf.sum(tf.mul(model.apply(z, { training: false }) as tf.Tensor, weights)),
  )(x);
}

function oneHotRows(targets: number[], classes: number): tf.Tensor {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(targets, 'int32'), classes), 'float32'));
}

/** Max |a - b| and max |b| over two tensors of the same shape. */
async function difference(a: tf.Tensor, b: tf.Tensor) {
  expect(a.shape).toEqual(b.shape);
  const [av, bv] = [await a.data(), await b.data()];
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < bv.length; i++) {
    diff = Math.max(diff, Math.abs(av[i]! - bv[i]!));
    ref = Math.max(ref, Math.abs(bv[i]!));
  }
  return { diff, ref };
}

/** Gradient (fast path) and outputs match tf.grad and model.apply within 1e-5 relative. */
async function expectMatchesTape(
  model: tfl.LayersModel,
  x: tf.Tensor,
  targets: number[],
  expectedMethod: 'layers' | 'tape' = 'layers',
) {
  const classes = model.outputs[0]!.shape[1] as number;
  const weights = oneHotRows(targets, classes);
  const ours = targetInputGradient(model, x, targets);
  const reference = referenceGradient(model, x, weights);
  const outputs = model.apply(x) as tf.Tensor;
  try {
    expect(ours.method).toBe(expectedMethod);
    const g = await difference(ours.gradient, reference);
    expect(g.ref).toBeGreaterThan(0);
    expect(g.diff).toBeLessThanOrEqual(1e-5 * g.ref);
    const o = await difference(ours.outputs, outputs);
    expect(o.diff).toBeLessThanOrEqual(1e-5 * o.ref);
  } finally {
    tf.dispose([weights, ours.gradient, ours.outputs, reference, outputs]);
  }
}

interface ChainCase {
  name: string;
  inputShape: number[];
  layers: LayerFactory;
}

type ConvArgs = Parameters<typeof tfl.layers.conv2d>[0];
const convRelu = (filters: number, more: Partial<ConvArgs> = {}) =>
  tfl.layers.conv2d({ filters, kernelSize: 3, activation: 'relu', ...init(), ...more });

const chainCases: ChainCase[] = [
  {
    name: 'the demo CNN: conv(relu)-maxpool-conv(relu)-maxpool-flatten-dense',
    inputShape: [12, 12, 1],
    layers: () => [
      convRelu(4),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      convRelu(8),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 5, ...init() }),
    ],
  },
  {
    name: "conv 'same' padding, odd sizes, dense softmax",
    inputShape: [9, 7, 3],
    layers: () => [
      convRelu(4, { padding: 'same' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 4, activation: 'softmax', ...init() }),
    ],
  },
  {
    name: "stride-2 convs ('same' and 'valid'), linear and tanh activations",
    inputShape: [11, 10, 2],
    layers: () => [
      tfl.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same', ...init() }),
      tfl.layers.conv2d({
        filters: 4,
        kernelSize: [2, 3],
        strides: [2, 1],
        activation: 'tanh',
        ...init(),
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, ...init() }),
    ],
  },
  {
    name: 'overlapping max pool (3x3 stride 1 same), average pool (2x2 stride 2 same)',
    inputShape: [7, 6, 2],
    layers: () => [
      convRelu(4, { padding: 'same' }),
      tfl.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }),
      tfl.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same' }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, ...init() }),
    ],
  },
  {
    name: 'batch norm (inference), ReLU layer, dropout, reshape, dense relu then sigmoid',
    inputShape: [6, 6, 2],
    layers: () => [
      tfl.layers.conv2d({ filters: 4, kernelSize: 3, ...init() }),
      tfl.layers.batchNormalization({
        movingMeanInitializer: tfl.initializers.randomNormal({ seed: seed++ }),
        movingVarianceInitializer: tfl.initializers.randomUniform({
          minval: 0.5,
          maxval: 2,
          seed: seed++,
        }),
        gammaInitializer: tfl.initializers.randomNormal({ mean: 1, stddev: 0.5, seed: seed++ }),
        betaInitializer: tfl.initializers.randomNormal({ seed: seed++ }),
      }),
      tfl.layers.reLU(),
      tfl.layers.dropout({ rate: 0.5 }),
      tfl.layers.reshape({ targetShape: [16 * 4] }),
      tfl.layers.dense({ units: 6, activation: 'relu', ...init() }),
      tfl.layers.dense({ units: 3, activation: 'sigmoid', ...init() }),
    ],
  },
  {
    name: 'activation layers, global average and max pooling, softmax layer',
    inputShape: [6, 5, 3],
    layers: () => [
      tfl.layers.conv2d({ filters: 4, kernelSize: 2, ...init() }),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.conv2d({ filters: 4, kernelSize: 2, ...init() }),
      tfl.layers.activation({ activation: 'tanh' }),
      tfl.layers.globalMaxPooling2d({}),
      tfl.layers.dense({ units: 4, ...init() }),
      tfl.layers.softmax(),
    ],
  },
  {
    name: 'global average pooling after a sigmoid conv',
    inputShape: [5, 5, 2],
    layers: () => [
      tfl.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'sigmoid', ...init() }),
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 3, ...init() }),
    ],
  },
];

describe.each(['wasm', 'cpu'])('targetInputGradient on %s', (backend) => {
  beforeAll(async () => {
    await setupBackend(backend);
  });

  it.each(chainCases)('$name: Sequential matches tf.grad', async (c) => {
    const model = sequential(c.inputShape, c.layers);
    const x = randomInput([3, ...c.inputShape], 7);
    await expectMatchesTape(model, x, [0, 2, 1]);
    tf.dispose(x);
    model.dispose();
  });

  it.each(chainCases)('$name: functional chain matches tf.grad', async (c) => {
    const model = functional(c.inputShape, c.layers);
    const x = randomInput([2, ...c.inputShape], 8);
    await expectMatchesTape(model, x, [1, 0]);
    tf.dispose(x);
    model.dispose();
  });

  it('dilated convs match tf.grad through their zero-spread twins (tf.grad has no dilated gradient)', async () => {
    const dilated = sequential([10, 9, 2], () => [
      convRelu(3, { dilationRate: 2 }),
      tfl.layers.conv2d({ filters: 2, kernelSize: [3, 2], dilationRate: [1, 2], ...init() }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, ...init() }),
    ]);
    const twin = sequential([10, 9, 2], () => [
      tfl.layers.conv2d({ filters: 3, kernelSize: 5, activation: 'relu' }),
      tfl.layers.conv2d({ filters: 2, kernelSize: [3, 3] }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3 }),
    ]);
    const spread = (w: tf.Tensor, [dh, dw]: [number, number]) => {
      const [fh, fw, a, b] = w.shape as [number, number, number, number];
      const values = w.dataSync();
      const eh = (fh - 1) * dh + 1;
      const ew = (fw - 1) * dw + 1;
      const out = new Float32Array(eh * ew * a * b);
      for (let i = 0; i < fh; i++) {
        for (let j = 0; j < fw; j++) {
          out.set(
            values.subarray((i * fw + j) * a * b, (i * fw + j + 1) * a * b),
            (i * dh * ew + j * dw) * a * b,
          );
        }
      }
      return tf.tensor(out, [eh, ew, a, b]);
    };
    const w = dilated.getWeights();
    const twinWeights = [spread(w[0]!, [2, 2]), w[1]!, spread(w[2]!, [1, 2]), w[3]!, w[4]!, w[5]!];
    twin.setWeights(twinWeights);
    tf.dispose([twinWeights[0]!, twinWeights[2]!]);
    const x = randomInput([2, 10, 9, 2], 9);
    const targets = [2, 0];
    const weights = oneHotRows(targets, 3);
    const ours = targetInputGradient(dilated, x, targets);
    const reference = referenceGradient(twin, x, weights);
    expect(ours.method).toBe('layers');
    const g = await difference(ours.gradient, reference);
    expect(g.ref).toBeGreaterThan(0);
    expect(g.diff).toBeLessThanOrEqual(1e-5 * g.ref);
    tf.dispose([x, weights, ours.gradient, ours.outputs, reference]);
    dilated.dispose();
    twin.dispose();
  });

  it('inlines a Sequential nested in a functional model', async () => {
    const inner = sequential([8, 8, 1], () => [
      convRelu(4),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
    ]);
    const input = tfl.input({ shape: [8, 8, 1] });
    const features = inner.apply(input) as tfl.SymbolicTensor;
    const flat = tfl.layers.flatten().apply(features) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 3, ...init() }).apply(flat) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const x = randomInput([2, 8, 8, 1], 10);
    await expectMatchesTape(model, x, [2, 1]);
    tf.dispose(x);
    model.dispose();
  });
});

describe('targetInputGradient', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it('gives the hand-computed gradient of a linear model: row i is column target_i of W', async () => {
    // y = x W + b with W = [[1, 2], [3, 4], [5, 6]]: d y[i, t] / d x[i] = W[:, t].
    const model = sequential([3], () => [tfl.layers.dense({ units: 2 })]);
    model.setWeights([tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]), tf.tensor1d([0.5, -1])]);
    const x = tf.tensor2d([1, 0, 2, -1, 1, 1], [2, 3]);
    const { gradient, outputs, method } = targetInputGradient(model, x, [1, 0]);
    expect(method).toBe('layers');
    expect(Array.from(await gradient.data())).toEqual([2, 4, 6, 1, 3, 5]);
    // Outputs: [1*1 + 2*5 + 0.5, 1*2 + 2*6 - 1] and [-1 + 3 + 5 + 0.5, -2 + 4 + 6 - 1].
    expect(Array.from(await outputs.data())).toEqual([11.5, 13, 7.5, 7]);
    tf.dispose([x, gradient, outputs]);
    model.dispose();
  });

  it('gives the hand-computed gradient through ReLU and max pooling (ties to the first maximum)', async () => {
    // conv 1x1 (weight 2, bias -1) -> relu -> maxpool 2x2 -> flatten -> dense (weight 3).
    const model = sequential([2, 2, 1], () => [
      tfl.layers.conv2d({ filters: 1, kernelSize: 1, activation: 'relu' }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 1, useBias: false }),
    ]);
    model.setWeights([tf.tensor4d([2], [1, 1, 1, 1]), tf.tensor1d([-1]), tf.tensor2d([3], [1, 1])]);
    // Item 0: relu(2x - 1) = [3, 0, 3, 1]: max 3 first at position 0 -> d/dx0 = 3 * 2 = 6.
    // Item 1: relu(2x - 1) = [0, 0, 0, 0] (max 0): the ReLU blocks everything.
    const x = tf.tensor4d([2, 0.5, 2, 1, 0, 0.25, -1, 0.5], [2, 2, 2, 1]);
    const { gradient, outputs, method } = targetInputGradient(model, x, 0);
    expect(method).toBe('layers');
    expect(Array.from(await gradient.data())).toEqual([6, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(await outputs.data())).toEqual([9, 0]);
    tf.dispose([x, gradient, outputs]);
    model.dispose();
  });

  it('accepts a Learner, a function (through tf.grad), weights and a tensor of weights', async () => {
    const model = sequential([6, 6, 1], () => [
      convRelu(2),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, ...init() }),
    ]);
    const x = randomInput([2, 6, 6, 1], 11);
    const weights = tf.tensor2d([0, 0.5, 0, -2, 0, 0], [2, 3]);
    const reference = referenceGradient(model, x, weights);
    const dls = new DataLoaders({} as never, {} as never);
    const learn = new Learner(model, { dls });
    const fn = (z: tf.Tensor) => model.apply(z) as tf.Tensor;
    const runs = [
      targetInputGradient(learn, x, [1, 0], { weights: [0.5, -2] }),
      targetInputGradient(fn, x, weights),
      targetInputGradient(model, x, weights),
      targetInputGradient(model, x, Int32Array.from([1, 0]), {
        weights: new Float32Array([0.5, -2]),
      }),
    ];
    expect(runs.map((r) => r.method)).toEqual(['layers', 'tape', 'layers', 'layers']);
    for (const r of runs) {
      const g = await difference(r.gradient, reference);
      expect(g.diff).toBeLessThanOrEqual(1e-5 * g.ref);
    }
    tf.dispose([x, weights, reference, ...runs.flatMap((r) => [r.gradient, r.outputs])]);
    model.dispose();
  });

  it("uses tf.grad for layers it has no backward pass for, with method 'tape', and inside tf.grad", async () => {
    const elu = sequential([5, 5, 1], () => [
      tfl.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'elu', ...init() }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2, ...init() }),
    ]);
    const x = randomInput([2, 5, 5, 1], 12);
    await expectMatchesTape(elu, x, [0, 1], 'tape');
    const chain = sequential([5, 5, 1], () => [
      convRelu(2),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2, ...init() }),
    ]);
    const forced = targetInputGradient(chain, x, 1, { method: 'tape' });
    expect(forced.method).toBe('tape');
    let inner: string | undefined;
    const outer = tf.grad((z: tf.Tensor) => {
      const r = targetInputGradient(chain, z, 1);
      inner = r.method;
      return tf.sum(r.gradient);
    })(x);
    expect(inner).toBe('tape');
    tf.dispose([x, forced.gradient, forced.outputs, outer]);
    elu.dispose();
    chain.dispose();
  });

  it('falls back to tf.grad when a layer meets a shape it does not handle (Dense on 3-D input)', async () => {
    const model = sequential([4, 3], () => [
      tfl.layers.dense({ units: 2, activation: 'relu', ...init() }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, ...init() }),
    ]);
    const x = randomInput([2, 4, 3], 15);
    const before = tf.memory().numTensors;
    await expectMatchesTape(model, x, [2, 0], 'tape');
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    model.dispose();
  });

  it('uses tf.grad for a branching functional model', async () => {
    const input = tfl.input({ shape: [4] });
    const a = tfl.layers.dense({ units: 3, ...init() }).apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers
      .dense({ units: 3, activation: 'relu', ...init() })
      .apply(input) as tfl.SymbolicTensor;
    const sum = tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: sum });
    const x = randomInput([3, 4], 13);
    await expectMatchesTape(model, x, [0, 1, 2], 'tape');
    tf.dispose(x);
    model.dispose();
  });

  it('leaks no tensors and no wasm buffers, on either path and when it throws', async () => {
    const model = sequential([8, 8, 1], () => [
      convRelu(4),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3, ...init() }),
    ]);
    const x = randomInput([2, 8, 8, 1], 14);
    const warm = targetInputGradient(model, x, 0); // tfjs-layers caches, kernel registration
    tf.dispose([warm.gradient, warm.outputs]);
    const mask = tf.tensor2d([0, 1, 0, 1, 0, 0], [2, 3]);
    const before = backendDataIds();
    await expectNoLeakedTensors(() => targetInputGradient(model, x, [1, 2]));
    await expectNoLeakedTensors(() => targetInputGradient(model, x, mask));
    await expectNoLeakedTensors(() => targetInputGradient(model, x, 1, { method: 'tape' }));
    await expectNoLeakedTensors(() => {
      expect(() => targetInputGradient(model, x, 3)).toThrow(InterpError);
      expect(() => targetInputGradient(model, x, 3, { method: 'tape' })).toThrow(InterpError);
    });
    expect(backendDataIds()).toBe(before);
    expect(x.isDisposed || mask.isDisposed).toBe(false);
    tf.dispose([x, mask]);
    model.dispose();
  });

  it('never hands back the caller x or target tensor as its own result', async () => {
    const identity = tfl.sequential({
      layers: [tfl.layers.dropout({ rate: 0.2, inputShape: [3] })],
    });
    const x = tf.tensor2d([1, 2, 3], [1, 3]);
    const w = tf.tensor2d([0, 1, 0], [1, 3]);
    const r = targetInputGradient(identity, x, w);
    expect(r.outputs).not.toBe(x);
    expect(r.gradient).not.toBe(w);
    expect(Array.from(await r.gradient.data())).toEqual([0, 1, 0]);
    tf.dispose([r.gradient, r.outputs]);
    expect(x.isDisposed || w.isDisposed).toBe(false);
    tf.dispose([x, w]);
    identity.dispose();
  });

  it('rejects bad input with InterpErrors that say what to pass', () => {
    const model = sequential([4, 4, 1], () => [
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3 }),
    ]);
    const x = tf.zeros([2, 4, 4, 1]);
    const cases: [() => unknown, string, RegExp][] = [
      [
        () => targetInputGradient({} as never, x, 0),
        'INVALID_ARGUMENT',
        /must be a Learner, a tfjs-layers LayersModel, a ModelGraph \(e.g. from loadOnnxModel\) or a function/,
      ],
      [
        () => targetInputGradient(model, [1, 2] as never, 0),
        'INVALID_ARGUMENT',
        /x must be a tfjs tensor/,
      ],
      [
        () => targetInputGradient(model, tf.zeros([2, 4, 4, 1], 'int32'), 0),
        'INVALID_ARGUMENT',
        /dtype int32.*tf\.cast/,
      ],
      [() => targetInputGradient(model, tf.scalar(1), 0), 'SHAPE_MISMATCH', /is a scalar/],
      [() => targetInputGradient(model, tf.zeros([0, 4, 4, 1]), 0), 'EMPTY_INPUT', /is empty/],
      [
        () => targetInputGradient(model, tf.zeros([2, 4, 5, 1]), 0),
        'SHAPE_MISMATCH',
        /expects \[N, 4, 4, 1\]/,
      ],
      [
        () => targetInputGradient(model, x, 3),
        'LABEL_OUT_OF_RANGE',
        /target = 3 is out of range: the model has 3 outputs/,
      ],
      [
        () => targetInputGradient(model, x, [0, -1]),
        'LABEL_OUT_OF_RANGE',
        /target\[1\] = -1 is not a class index/,
      ],
      [
        () => targetInputGradient(model, x, 1.5),
        'LABEL_OUT_OF_RANGE',
        /target = 1.5 is not a class index/,
      ],
      [() => targetInputGradient(model, x, [0, 1, 2]), 'SHAPE_MISMATCH', /3 entries for 2 items/],
      [
        () => targetInputGradient(model, x, 'a' as never),
        'INVALID_ARGUMENT',
        /target must be a class index/,
      ],
      [
        () => targetInputGradient(model, x, 0, { weights: [1] }),
        'SHAPE_MISMATCH',
        /weights has 1 entries for 2 items/,
      ],
      [
        () => targetInputGradient(model, x, 0, { weights: [1, Number.NaN] }),
        'NON_FINITE',
        /weights\[1\] = NaN/,
      ],
      [
        () => targetInputGradient(model, x, tf.zeros([2, 4])),
        'SHAPE_MISMATCH',
        /target tensor has shape \[2, 4\] but the model's outputs have shape \[2, 3\]/,
      ],
      [
        () => targetInputGradient(model, x, tf.zeros([2, 3]), { weights: [1, 1] }),
        'INVALID_ARGUMENT',
        /put the weights in the tensor/,
      ],
      [
        () => targetInputGradient(model, x, 0, { method: 'fast' as never }),
        'INVALID_OPTION',
        /invalid method: "fast"/,
      ],
      [
        () => targetInputGradient((z) => tf.reshape(z, [2, 4, 4]), x, 0),
        'NOT_SUPPORTED',
        /no single class axis/,
      ],
      [
        () => targetInputGradient((z) => tf.concat([z, z]), x, 0),
        'SHAPE_MISMATCH',
        /returned 4 rows for 2 inputs/,
      ],
    ];
    for (const [run, code, message] of cases) {
      let error: unknown;
      try {
        tf.tidy(() => {
          run();
        });
      } catch (e) {
        error = e;
      }
      expect(error, String(message)).toBeInstanceOf(InterpError);
      expect((error as InterpError).code, String(message)).toBe(code);
      expect((error as Error).message, String(message)).toMatch(message);
    }
    const disposed = tf.zeros([2, 4, 4, 1]);
    disposed.dispose();
    expect(() => targetInputGradient(model, disposed, 0)).toThrow(/x has been disposed/);
    const [in1, in2] = [tfl.input({ shape: [2] }), tfl.input({ shape: [2] })];
    const twoInputs = tfl.model({
      inputs: [in1, in2],
      outputs: tfl.layers.concatenate().apply([in1, in2]) as tfl.SymbolicTensor,
    });
    expect(() => targetInputGradient(twoInputs as tfl.LayersModel, x, 0)).toThrow(/has 2 inputs/);
    tf.dispose(x);
    model.dispose();
  });
});

describe('targetInputGradient(graph, x, target)', () => {
  it('differentiates a ModelGraph through its predict: d(x_1^2)/dx = 2 x_1 in column 1, 0 elsewhere', async () => {
    const graph = chainGraph(
      [{ name: 'square', op: 'Square', outputShape: [null, 3], fn: (t) => tf.square(t) }],
      { inputShape: [null, 3] },
    );
    const x = tf.tensor2d([
      [1, 2, 3],
      [-1, 0.5, 4],
    ]);
    const r = targetInputGradient(graph, x, 1);
    expect(r.method).toBe('tape');
    // + 0 folds the -0 of 0 * (2 * -1) into 0.
    expect(Array.from(await r.gradient.data(), (v) => v + 0)).toEqual([0, 4, 0, 0, 1, 0]);
    expect(Array.from(await r.outputs.data())).toEqual([1, 4, 9, 1, 0.25, 16]);
    tf.dispose([r.gradient, r.outputs]);
    await expectNoLeakedTensors(() => targetInputGradient(graph, x, [0, 2]));
    tf.dispose(x);
  });
});
