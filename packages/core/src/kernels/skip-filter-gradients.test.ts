import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { expectNoLeakedTensors } from '../testing.js';
import { withoutFilterGradients } from './skip-filter-gradients.js';
import { randn } from './test-kernel-helpers.js';

/** Counts calls of `backend`'s kernel `name` by putting a counting wrapper in its place. */
function countCalls(name: string, backend: string): { calls: number } {
  const counter = { calls: 0 };
  const existing = tf.getKernel(name, backend)!;
  tf.unregisterKernel(name, backend);
  tf.registerKernel({
    ...existing,
    kernelFunc: (args) => {
      counter.calls++;
      return existing.kernelFunc(args);
    },
  });
  return counter;
}

describe.each(['cpu', 'wasm'])('withoutFilterGradients on %s', (backend) => {
  let conv: { calls: number };
  let depthwise: { calls: number };
  beforeAll(async () => {
    await setupBackend(backend);
    conv = countCalls(tf.Conv2DBackpropFilter, backend);
    depthwise = countCalls(tf.DepthwiseConv2dNativeBackpropFilter, backend);
  });

  const x = () => tf.tensor4d(randn(2 * 6 * 6 * 3, 1), [2, 6, 6, 3]);
  const w = () => tf.tensor4d(randn(3 * 3 * 3 * 4, 2), [3, 3, 3, 4]);
  // Linear fused convs under tf.grad go through customGrad, which computes filter gradients eagerly.
  const score = (a: tf.Tensor4D, f: tf.Tensor4D, g: tf.Tensor4D) =>
    tf.sum(
      tf.square(
        tf.fused.depthwiseConv2d({
          x: tf.fused.conv2d({ x: a, filter: f, strides: 1, pad: 'same' }),
          filter: g,
          strides: 1,
          pad: 'same',
        }),
      ),
    );

  it('skips the filter-gradient kernels and leaves the input gradient unchanged', async () => {
    const [input, f] = [x(), w()];
    const g4 = tf.tensor4d(randn(3 * 3 * 4 * 2, 4), [3, 3, 4, 2]);
    const grad = (a: tf.Tensor) => tf.grad((t) => score(t as tf.Tensor4D, f, g4))(a);
    const before = { conv: conv.calls, depthwise: depthwise.calls };
    const plain = grad(input);
    expect(conv.calls - before.conv).toBe(1);
    expect(depthwise.calls - before.depthwise).toBe(1);
    const skipped = await expectNoLeakedTensors(() =>
      withoutFilterGradients(() => tf.tidy(() => Array.from(grad(input).dataSync()))),
    );
    expect(conv.calls - before.conv).toBe(1);
    expect(depthwise.calls - before.depthwise).toBe(1);
    // tfjs's own input gradient, computed with the filter gradients, is the oracle.
    expect(skipped).toEqual(Array.from(plain.dataSync()));
    tf.dispose([f, input, g4, plain]);
  });

  it('computes filter gradients again after the scope, also when fn throws', () => {
    const before = conv.calls;
    expect(() =>
      withoutFilterGradients(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    const [input, f] = [x(), w()];
    const gf = tf.grad((t) =>
      tf.sum(tf.fused.conv2d({ x: input, filter: t as tf.Tensor4D, strides: 1, pad: 'same' })),
    )(f);
    expect(conv.calls).toBe(before + 1);
    // d/dW sum(conv(x, W)) = for each tap, the sum of the shifted input: not all zero.
    expect(tf.max(tf.abs(gf)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([input, f, gf]);
  });
});
