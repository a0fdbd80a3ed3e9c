import { join } from 'node:path';
import { setupBackend, targetInputGradient } from '@interp/core';
import { InterpError } from '@interp/core/base';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import type { OnnxModel } from './onnx-model.js';
import { modelWithRandomWeights, TEST_MODELS } from './test-external-data.js';
import { buildModel, randomNormal } from './test-onnx-builder.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** The largest |a - b| relative to the largest |b|. */
function relativeMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}

/** ||a - b|| / ||b||. */
function relativeL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    err += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(err / norm);
}

/** The tape-free gradient and tf.grad's ('tape') of the same targets, as arrays. */
async function bothWays(model: OnnxModel, x: tf.Tensor, target: number[]) {
  const auto = targetInputGradient(model, x, target);
  const tape = targetInputGradient(model, x, target, { method: 'tape' });
  const out = {
    method: auto.method,
    gradient: await auto.gradient.data(),
    tapeGradient: await tape.gradient.data(),
    outputs: await auto.outputs.data(),
    tapeOutputs: await tape.outputs.data(),
  };
  tf.dispose([auto.gradient, auto.outputs, tape.gradient, tape.outputs]);
  return out;
}

/**
 * Conv (stride 2, uneven SAME_UPPER pads) -> Relu -> depthwise Conv (uneven pads) -> Clip [0, 6]
 * -> Add (residual) -> Relu -> Conv and depthwise Conv (stride 1, pads 1) -> MaxPool -> GlobalAveragePool -> Flatten -> Gemm: every hand-written vjp,
 * fused and unfused activations, and per-node tf.grad for the rest.
 */
function mixedModel(extraNodes: Parameters<typeof buildModel>[0]['nodes'] = []): Uint8Array {
  const head = extraNodes.length > 0 ? 'h' : 'g';
  return buildModel({
    nodes: [
      {
        op: 'Conv',
        inputs: ['x', 'w1', 'b1'],
        outputs: ['c1'],
        attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' },
      },
      { op: 'Relu', inputs: ['c1'], outputs: ['r1'] },
      {
        op: 'Conv',
        inputs: ['r1', 'w2', 'b2'],
        outputs: ['c2'],
        attrs: { kernel_shape: [3, 3], group: 4, pads: [0, 0, 2, 2] },
      },
      { op: 'Clip', inputs: ['c2', 'lo', 'hi'], outputs: ['r2'] },
      { op: 'Add', inputs: ['r1', 'r2'], outputs: ['a'] },
      { op: 'Relu', inputs: ['a'], outputs: ['ra'] },
      // Stride 1: their input gradients run as one XNNPACK conv with the flipped filter (core).
      { op: 'Conv', inputs: ['ra', 'w3'], outputs: ['c3'], attrs: { pads: [1, 1, 1, 1] } },
      {
        op: 'Conv',
        inputs: ['c3', 'w4', 'b2'],
        outputs: ['c4'],
        attrs: { kernel_shape: [3, 3], group: 4, pads: [1, 1, 1, 1] },
      },
      {
        op: 'MaxPool',
        inputs: ['c4'],
        outputs: ['p'],
        attrs: { kernel_shape: [2, 2], strides: [2, 2] },
      },
      { op: 'GlobalAveragePool', inputs: ['p'], outputs: ['g'] },
      ...extraNodes,
      { op: 'Flatten', inputs: [head], outputs: ['f'] },
      { op: 'Gemm', inputs: ['f', 'fw', 'fb'], outputs: ['y'], attrs: { transB: 1 } },
    ],
    input: { name: 'x', dims: ['n', 3, 9, 9] },
    output: { name: 'y' },
    initializers: [
      { name: 'w1', dims: [4, 3, 3, 3], data: randomNormal(108, 1, 0.5) },
      { name: 'b1', dims: [4], data: randomNormal(4, 2, 0.2) },
      { name: 'w2', dims: [4, 1, 3, 3], data: randomNormal(36, 3, 0.5) },
      { name: 'b2', dims: [4], data: randomNormal(4, 4, 0.2) },
      { name: 'w3', dims: [4, 4, 3, 3], data: randomNormal(144, 11, 0.4) },
      { name: 'w4', dims: [4, 1, 3, 3], data: randomNormal(36, 12, 0.5) },
      { name: 'lo', dims: [], data: [0] },
      { name: 'hi', dims: [], data: [6] },
      { name: 'fw', dims: [5, 4], data: randomNormal(20, 5, 0.5) },
      { name: 'fb', dims: [5], data: randomNormal(5, 6, 0.1) },
    ],
  });
}

describe('targetInputGradient on an OnnxModel (tape-free backward)', () => {
  it.each([
    ['mlp.onnx', [3, 8]],
    ['small-cnn.onnx', [3, 3, 8, 8]],
  ] as const)('%s: equals tf.grad, no leaks', async (file, dims) => {
    const model = await loadOnnxModel(join(TEST_MODELS, file));
    try {
      const x = tf.tensor(
        randomNormal(
          dims.reduce((a, b) => a * b, 1),
          7,
        ),
        [...dims],
      );
      await bothWays(model, x, [0, 2, 1]); // the first run memoizes filters (owned by the model)
      const r = await expectNoLeakedTensors(() => bothWays(model, x, [0, 2, 1]));
      expect(r.method).toBe('graph');
      expect(relativeMaxError(r.gradient, r.tapeGradient)).toBeLessThan(1e-5);
      expect(relativeMaxError(r.outputs, r.tapeOutputs)).toBeLessThan(1e-6);
      x.dispose();
    } finally {
      model.dispose();
    }
  });

  it('a graph of every hand-written vjp equals tf.grad and central finite differences', async () => {
    const model = await loadOnnxModel(mixedModel());
    try {
      const data = randomNormal(2 * 3 * 9 * 9, 8, 2);
      const x = tf.tensor(data, [2, 3, 9, 9]);
      await bothWays(model, x, [1, 3]);
      const r = await expectNoLeakedTensors(() => bothWays(model, x, [1, 3]));
      expect(r.method).toBe('graph');
      expect(relativeMaxError(r.gradient, r.tapeGradient)).toBeLessThan(1e-5);
      // Item 1's score (class 3) by central differences at a few of item 1's coordinates.
      const score = (moved: Float32Array) =>
        tf.tidy(() => model.predict(tf.tensor(moved, [2, 3, 9, 9])).dataSync()[5 + 3]!);
      const eps = 1e-2;
      for (const i of [243, 250, 300, 400, 485]) {
        const up = data.slice();
        const down = data.slice();
        up[i]! += eps;
        down[i]! -= eps;
        const numeric = (score(up) - score(down)) / (2 * eps);
        expect(Math.abs(r.gradient[i]! - numeric)).toBeLessThan(2e-2);
      }
      x.dispose();
    } finally {
      model.dispose();
    }
  });

  it('falls back to tf.grad when a gradient reaches a second output (Split)', async () => {
    // Split's second half carries the score: the walk cannot take it, the tape can.
    const model = await loadOnnxModel(
      mixedModel([
        { op: 'Split', inputs: ['g'], outputs: ['s0', 's1'], attrs: { axis: 1 } },
        { op: 'Concat', inputs: ['s1', 's0'], outputs: ['h'], attrs: { axis: 1 } },
      ]),
    );
    try {
      const x = tf.tensor(randomNormal(3 * 9 * 9, 9), [1, 3, 9, 9]);
      await bothWays(model, x, [2]);
      const r = await expectNoLeakedTensors(() => bothWays(model, x, [2]));
      expect(r.method).toBe('tape');
      expect(r.gradient).toEqual(r.tapeGradient);
      x.dispose();
    } finally {
      model.dispose();
    }
  });

  it('rejects an input of the wrong shape and an out-of-range target with InterpError, no leaks', async () => {
    const model = await loadOnnxModel(mixedModel());
    try {
      tf.dispose(model.predict(tf.zeros([1, 3, 9, 9])));
      await expectNoLeakedTensors(() => {
        const wrong = tf.zeros([1, 3, 8, 8]);
        expect(() => model.inputGradient(wrong, (o) => tf.onesLike(o))).toThrow(InterpError);
        expect(() => targetInputGradient(model, wrong, 0)).toThrow(/expects an input of shape/);
        const x = tf.zeros([1, 3, 9, 9]);
        expect(() => targetInputGradient(model, x, 5)).toThrow(/out of range/);
        tf.dispose([wrong, x]);
      });
    } finally {
      model.dispose();
    }
  });

  // Random-weight MobileNetV2 sits on many ReLU6 kinks: its tape gradient itself moves by 0.7%
  // (relative L2) when x is scaled by 1 + 1e-6, so float rounding alone (fused vs unfused forward
  // convs) flips a few masks; ResNet-18's ReLUs are far less sensitive.
  it.each([
    ['resnet18.onnx', 1e-4],
    ['mobilenet_v2.onnx', 1e-2],
  ])(
    '%s (2 x 3 x 224 x 224, seeded random weights) equals tf.grad within %s (relative L2)',
    async (file, tolerance) => {
      const model = await loadOnnxModel(await modelWithRandomWeights(file, 1));
      try {
        const x = tf.tensor(randomNormal(2 * 3 * 224 * 224, 10), [2, 3, 224, 224]);
        await bothWays(model, x, [3, 500]);
        const r = await expectNoLeakedTensors(() => bothWays(model, x, [3, 500]));
        expect(r.method).toBe('graph');
        expect(relativeL2(r.gradient, r.tapeGradient)).toBeLessThan(tolerance);
        expect(relativeMaxError(r.outputs, r.tapeOutputs)).toBeLessThan(1e-4);
        x.dispose();
      } finally {
        model.dispose();
      }
    },
    120_000,
  );
});
