import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { DataLoaders } from './data-loader.js';
import { InterpError } from './errors.js';
import { backendDataIds } from './kernels/test-kernel-helpers.js';
import { Learner } from './learner.js';
import { targetInputGradient } from './target-input-gradient.js';
import {
  convRelu,
  difference,
  expectMatchesTape,
  init,
  randomInput,
  referenceGradient,
  sequential,
} from './test-target-input-gradient.js';
import { chainGraph, expectNoLeakedTensors } from './testing.js';

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

  it('walks a branching functional model tape-free; a layer it does not know sends it to tf.grad', async () => {
    const input = tfl.input({ shape: [4] });
    const a = tfl.layers.dense({ units: 3, ...init() }).apply(input) as tfl.SymbolicTensor;
    const b = tfl.layers
      .dense({ units: 3, activation: 'relu', ...init() })
      .apply(input) as tfl.SymbolicTensor;
    const sum = tfl.layers.add().apply([a, b]) as tfl.SymbolicTensor;
    const product = tfl.layers.multiply().apply([a, b]) as tfl.SymbolicTensor;
    const added = tfl.model({ inputs: input, outputs: sum });
    const multiplied = tfl.model({ inputs: input, outputs: product });
    const x = randomInput([3, 4], 13);
    await expectMatchesTape(added, x, [0, 1, 2], 'layers');
    await expectMatchesTape(multiplied, x, [0, 1, 2], 'tape');
    tf.dispose(x);
    added.dispose();
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
