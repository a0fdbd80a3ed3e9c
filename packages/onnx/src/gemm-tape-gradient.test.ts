// Gemm under tf.grad (GradCAM's head, the tape method): with constant B and C its input gradient
// is gemmInputGradient's (dY by B as stored), checked against tf.grad of the same ops written
// independently with tfjs ops on the cpu backend; no leaks.
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import { buildModel, randomNormal } from './test-onnx-builder.js';
import { cpuGradient, GEMM_CASES, gemmFixture, relativeMaxError } from './test-tape-free-vjps.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('Gemm under tf.grad', () => {
  it.each(GEMM_CASES)(
    '%s: equals tf.grad on the cpu backend, no leaks',
    async (_, attrs, transA) => {
      const { model, shape, xData, rData, reference } = await gemmFixture(attrs, transA, {
        relu: true,
        seed: 61,
      });
      try {
        const x = tf.tensor(xData, shape);
        const rTensor = tf.tensor(rData, [3, 4]);
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
        expect(
          relativeMaxError(grad, await cpuGradient(reference, xData, shape, rData)),
        ).toBeLessThan(1e-5);
        tf.dispose([x, rTensor]);
      } finally {
        model.dispose();
      }
    },
  );

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
