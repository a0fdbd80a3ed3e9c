import { setupBackend, targetInputGradient } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import { buildModel, randomNormal } from './test-onnx-builder.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const DEPTH = 8;

/**
 * x [1, 4, 32, 32] -> Conv + Relu -> MaxPool 2x2 -> DEPTH x (Conv + Relu at 16 x 16) -> Conv ->
 * Add (residual) -> Relu -> GlobalAveragePool -> Flatten -> Gemm. MaxPool's backward (tf.grad of
 * the node) makes a gradient as large as its 32 x 32 input late in the walk, when every value
 * after it has been read.
 */
function deepModel(): Uint8Array {
  const nodes: Parameters<typeof buildModel>[0]['nodes'] = [
    { op: 'Conv', inputs: ['x', 'w0'], outputs: ['c0'], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'Relu', inputs: ['c0'], outputs: ['r0'] },
    {
      op: 'MaxPool',
      inputs: ['r0'],
      outputs: ['p'],
      attrs: { kernel_shape: [2, 2], strides: [2, 2] },
    },
  ];
  let last = 'p';
  for (let i = 1; i <= DEPTH; i++) {
    nodes.push(
      { op: 'Conv', inputs: [last, `w${i}`], outputs: [`c${i}`], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: [`c${i}`], outputs: [`r${i}`] },
    );
    last = `r${i}`;
  }
  nodes.push(
    { op: 'Conv', inputs: [last, 'wz'], outputs: ['z'], attrs: { pads: [1, 1, 1, 1] } },
    { op: 'Add', inputs: ['z', 'p'], outputs: ['a'] },
    { op: 'Relu', inputs: ['a'], outputs: ['ra'] },
    { op: 'GlobalAveragePool', inputs: ['ra'], outputs: ['g'] },
    { op: 'Flatten', inputs: ['g'], outputs: ['f'] },
    { op: 'Gemm', inputs: ['f', 'fw', 'fb'], outputs: ['y'], attrs: { transB: 1 } },
  );
  const filters = ['w0', ...Array.from({ length: DEPTH }, (_, i) => `w${i + 1}`), 'wz'];
  return buildModel({
    nodes,
    input: { name: 'x', dims: ['n', 4, 32, 32] },
    output: { name: 'y' },
    initializers: [
      ...filters.map((name, i) => ({
        name,
        dims: [4, 4, 3, 3],
        data: randomNormal(144, 20 + i, 0.4),
      })),
      { name: 'fw', dims: [5, 4], data: randomNormal(20, 5, 0.5) },
      { name: 'fb', dims: [5], data: randomNormal(5, 6, 0.1) },
    ],
  });
}

/** Runs `f` and returns the peak of tf.memory().numBytes above the bytes live before it. */
function peakBytes(f: () => void): number {
  const engine = tf.engine() as unknown as {
    state: { numBytes: number };
    trackTensor(t: unknown, backend: unknown): void;
  };
  const track = engine.trackTensor;
  const before = engine.state.numBytes;
  let peak = before;
  engine.trackTensor = function (this: unknown, t, backend) {
    track.call(engine, t, backend);
    peak = Math.max(peak, engine.state.numBytes);
  };
  try {
    f();
  } finally {
    engine.trackTensor = track;
  }
  return peak - before;
}

describe('the tape-free input gradient frees forward values', () => {
  it('frees each forward value once the walk has visited its node: peak live bytes bounded, equals tf.grad, no leaks', async () => {
    const model = await loadOnnxModel(deepModel());
    try {
      const x = tf.tensor(randomNormal(4 * 32 * 32, 7), [1, 4, 32, 32]);
      const seed = (out: tf.Tensor) => tf.oneHot([2], out.shape[1]!);
      tf.dispose(Object.values(model.inputGradient(x, seed)!)); // memoizes filters
      let gradient: Float32Array | undefined;
      await expectNoLeakedTensors(async () => {
        const peak = peakBytes(() => {
          const r = model.inputGradient(x, seed)!;
          gradient = r.gradient.dataSync() as Float32Array;
          tf.dispose([r.outputs, r.gradient]);
        });
        // The forward values: c0 (ReLU fused, 16 kB), p, DEPTH + 1 convs, a and ra (4 kB each),
        // small tails. The walk's last nodes (MaxPool, the first conv) make three or four 16 kB
        // gradients and layout copies. Measured peaks: every forward value held ~131 kB; each
        // freed once its node was visited ~98 kB; c0 also freed once its ReLU's mask was taken,
        // before the first conv's input gradient, ~86 kB.
        const forward = 4 * (4 * 32 * 32 + 4 * 16 * 16 * (DEPTH + 4) + 4 + 4 + 5);
        expect(peak).toBeLessThan(forward + 2 * (4 * 4 * 32 * 32));
      });
      const tape = targetInputGradient(model, x, [2], { method: 'tape' });
      const want = await tape.gradient.data();
      let err = 0;
      let scale = 0;
      want.forEach((w, i) => {
        err = Math.max(err, Math.abs(gradient![i]! - w));
        scale = Math.max(scale, Math.abs(w));
      });
      expect(err / scale).toBeLessThan(1e-5);
      tf.dispose([tape.gradient, tape.outputs, x]);
    } finally {
      model.dispose();
    }
  });

  it('frees in the forward pass only what no vjp reads: an input of a Mul (tf.grad of the node) is kept; Mul(a, a) counts a once; equals tf.grad and central differences', async () => {
    // c is read by a same-shape Add only (freed after it); a by a Mul, whose gradient is tf.grad
    // of the node and reads a's values (a freed a would throw "Tensor is disposed"). Mul(a, a)
    // gave 4a dy before (a passed to tf.grads twice, each getting the gradient of both uses).
    const model = await loadOnnxModel(
      buildModel({
        nodes: [
          { op: 'Conv', inputs: ['x', 'w0'], outputs: ['c'], attrs: { pads: [1, 1, 1, 1] } },
          { op: 'Add', inputs: ['c', 'x'], outputs: ['a'] },
          { op: 'Mul', inputs: ['a', 'a'], outputs: ['m'] },
          { op: 'Conv', inputs: ['m', 'w1'], outputs: ['d'], attrs: { pads: [1, 1, 1, 1] } },
          { op: 'Relu', inputs: ['d'], outputs: ['r'] },
          { op: 'GlobalAveragePool', inputs: ['r'], outputs: ['g'] },
          { op: 'Flatten', inputs: ['g'], outputs: ['f'] },
          { op: 'Gemm', inputs: ['f', 'fw', 'fb'], outputs: ['y'], attrs: { transB: 1 } },
        ],
        input: { name: 'x', dims: ['n', 4, 16, 16] },
        output: { name: 'y' },
        initializers: [
          { name: 'w0', dims: [4, 4, 3, 3], data: randomNormal(144, 31, 0.4) },
          { name: 'w1', dims: [4, 4, 3, 3], data: randomNormal(144, 32, 0.4) },
          { name: 'fw', dims: [5, 4], data: randomNormal(20, 5, 0.5) },
          { name: 'fb', dims: [5], data: randomNormal(5, 6, 0.1) },
        ],
      }),
    );
    try {
      const x = tf.tensor(randomNormal(2 * 4 * 16 * 16, 9), [2, 4, 16, 16]);
      const seed = (out: tf.Tensor) => tf.oneHot([1, 4], out.shape[1]!);
      tf.dispose(Object.values(model.inputGradient(x, seed)!)); // memoizes filters
      const gradient = await expectNoLeakedTensors(async () => {
        const r = model.inputGradient(x, seed)!;
        const data = await r.gradient.data();
        tf.dispose([r.outputs, r.gradient]);
        return data;
      });
      // Central differences of item 1's class-4 score at a few of item 1's coordinates.
      const data = (await x.data()) as Float32Array;
      const score = (moved: Float32Array) =>
        tf.tidy(() => model.predict(tf.tensor(moved, [2, 4, 16, 16])).dataSync()[5 + 4]!);
      const eps = 1e-2;
      for (const i of [1024, 1100, 1500, 2047]) {
        const up = data.slice();
        const down = data.slice();
        up[i]! += eps;
        down[i]! -= eps;
        const numeric = (score(up) - score(down)) / (2 * eps);
        expect(Math.abs(gradient[i]! - numeric)).toBeLessThan(5e-4);
      }
      const tape = targetInputGradient(model, x, [1, 4], { method: 'tape' });
      const want = await tape.gradient.data();
      let err = 0;
      let scale = 0;
      want.forEach((w, i) => {
        err = Math.max(err, Math.abs(gradient[i]! - w));
        scale = Math.max(scale, Math.abs(w));
      });
      expect(err / scale).toBeLessThan(1e-5);
      tf.dispose([tape.gradient, tape.outputs, x]);
    } finally {
      model.dispose();
    }
  });
});
