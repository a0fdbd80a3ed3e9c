// Gemm under tf.grad (GradCAM's head, the tape method): with constant B and C its input gradient
// is gemmInputGradient's (dY by B as stored), checked against tf.grad of the same ops written
// independently with tfjs ops on the cpu backend; no leaks.
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import { buildModel, f, randomNormal } from './test-onnx-builder.js';
import { cpuGradient, relativeMaxError } from './test-tape-free-vjps.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('Gemm under tf.grad', () => {
  it.each([
    ['transB 1, bias', { transB: 1 }, false],
    ['transB 0, alpha 0.5, beta 2', { alpha: f(0.5), beta: f(2) }, false],
    ['transA 1 (tfjs matMul gradient)', { transA: 1, transB: 1 }, true],
  ] as const)('%s: equals tf.grad on the cpu backend, no leaks', async (_, attrs, transA) => {
    const [m, k, n] = [3, 5, 4];
    const bData = randomNormal(k * n, 61);
    const cData = randomNormal(n, 62);
    const transB = 'transB' in attrs && attrs.transB === 1;
    const alpha = 'alpha' in attrs ? attrs.alpha.float : 1;
    const beta = 'beta' in attrs ? attrs.beta.float : 1;
    const model = await loadOnnxModel(
      buildModel({
        nodes: [
          { op: 'Relu', inputs: ['x'], outputs: ['a'] },
          { op: 'Gemm', inputs: ['a', 'b', 'c'], outputs: ['y'], attrs },
        ],
        input: { name: 'x', dims: transA ? [k, m] : [m, k] },
        output: { name: 'y' },
        initializers: [
          { name: 'b', dims: transB ? [n, k] : [k, n], data: bData },
          { name: 'c', dims: [n], data: cData },
        ],
      }),
    );
    try {
      const shape = transA ? [k, m] : [m, k];
      const xData = randomNormal(m * k, 63);
      const r = randomNormal(m * n, 64);
      const x = tf.tensor(xData, shape);
      const rTensor = tf.tensor(r, [m, n]);
      const ours = () =>
        tf.tidy(() =>
          tf.grad((input: tf.Tensor) => tf.sum(tf.mul(model.run(input).output, rTensor)))(x),
        );
      tf.dispose(ours()); // the first call keeps the transposed B (owned by the model)
      const grad = await expectNoLeakedTensors(async () => {
        const g = ours();
        const data = await g.data();
        g.dispose();
        return data;
      });
      const reference = (input: tf.Tensor) => {
        const b = tf.tensor2d(bData, transB ? [n, k] : [k, n]);
        const y = tf.matMul(tf.relu(input) as tf.Tensor2D, b, transA, transB);
        return tf.add(tf.mul(y, alpha), tf.mul(tf.tensor1d(cData), beta));
      };
      expect(relativeMaxError(grad, await cpuGradient(reference, xData, shape, r))).toBeLessThan(
        1e-5,
      );
      tf.dispose([x, rTensor]);
    } finally {
      model.dispose();
    }
  });

  it('multiplies dY by B as stored (no transposed matMul) in the backward pass', async () => {
    const model = await loadOnnxModel(
      buildModel({
        nodes: [{ op: 'Gemm', inputs: ['x', 'b'], outputs: ['y'], attrs: { transB: 1 } }],
        input: { name: 'x', dims: [2, 6] },
        output: { name: 'y' },
        initializers: [{ name: 'b', dims: [3, 6], data: randomNormal(18, 65) }],
      }),
    );
    try {
      const x = tf.tensor(randomNormal(12, 66), [2, 6]);
      const grad = () => tf.grad((input: tf.Tensor) => tf.sum(model.run(input).output))(x);
      tf.dispose(grad());
      const engine = tf.engine() as unknown as {
        runKernel: (name: string, inputs: unknown, attrs: Record<string, unknown>) => unknown;
      };
      const calls: unknown[] = [];
      const original = engine.runKernel.bind(engine);
      engine.runKernel = (name, inputs, attrs) => {
        if (name === 'BatchMatMul') calls.push(attrs.transposeB);
        return original(name, inputs, attrs);
      };
      try {
        tf.dispose(grad());
      } finally {
        engine.runKernel = original;
      }
      expect(calls).toEqual([false, false]);
      x.dispose();
    } finally {
      model.dispose();
    }
  });
});
