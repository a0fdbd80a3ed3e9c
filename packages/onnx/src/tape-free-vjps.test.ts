// The tape-free backward's hand-written vjps against tf.grad of the same ops written
// independently with tfjs ops on the cpu backend: Conv (convInputGradient: core's backprop-input
// kernels on the forward's filters) on strided, padded and depthwise convs (fused activations and
// Gemm: tape-free-fused-gemm-vjps.test.ts).
import { setupBackend } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import { buildModel, randomNormal } from './test-onnx-builder.js';
import {
  type ConvCase,
  cpuGradient,
  referenceConv,
  relativeMaxError,
  tapeFreeGradient,
} from './test-tape-free-vjps.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const cases: ConvCase[] = [
  {
    name: 'stride 1, pads 1',
    cIn: 4,
    cOut: 6,
    size: 9,
    kernel: 3,
    stride: 1,
    attrs: { pads: [1, 1, 1, 1] },
    pads: [1, 1, 1, 1],
  },
  // 16 output channels: the matmul + col2im path of core's kernel ('valid' pads, strided).
  {
    name: 'stride 1, valid, 16 channels',
    cIn: 4,
    cOut: 16,
    size: 9,
    kernel: 3,
    stride: 1,
    attrs: {},
    pads: [0, 0, 0, 0],
  },
  {
    name: 'stride 1, pads 1, 16 channels',
    cIn: 8,
    cOut: 16,
    size: 9,
    kernel: 3,
    stride: 1,
    attrs: { pads: [1, 1, 1, 1] },
    pads: [1, 1, 1, 1],
  },
  // SAME_UPPER over 10: out 5, total pad (5 - 1) * 2 + 3 - 10 = 1, at the end.
  {
    name: 'stride 2, SAME_UPPER',
    cIn: 4,
    cOut: 6,
    size: 10,
    kernel: 3,
    stride: 2,
    attrs: { auto_pad: 'SAME_UPPER' },
    pads: [0, 0, 1, 1],
  },
  {
    name: 'stride 2, SAME_LOWER, 16 channels',
    cIn: 4,
    cOut: 16,
    size: 10,
    kernel: 3,
    stride: 2,
    attrs: { auto_pad: 'SAME_LOWER' },
    pads: [1, 1, 0, 0],
  },
  {
    name: 'stride 2, uneven explicit pads',
    cIn: 3,
    cOut: 5,
    size: 9,
    kernel: 3,
    stride: 2,
    attrs: { pads: [0, 1, 2, 0] },
    pads: [0, 1, 2, 0],
  },
  {
    name: 'stride 3, 5 x 5, valid',
    cIn: 3,
    cOut: 4,
    size: 11,
    kernel: 5,
    stride: 3,
    attrs: {},
    pads: [0, 0, 0, 0],
  },
  {
    name: 'stride 2, 1 x 1',
    cIn: 6,
    cOut: 4,
    size: 9,
    kernel: 1,
    stride: 2,
    attrs: {},
    pads: [0, 0, 0, 0],
  },
  {
    name: 'stride 2, 2 x 2 (kernel = stride)',
    cIn: 4,
    cOut: 4,
    size: 8,
    kernel: 2,
    stride: 2,
    attrs: {},
    pads: [0, 0, 0, 0],
  },
  {
    name: 'one input channel, pads 1',
    cIn: 1,
    cOut: 8,
    size: 9,
    kernel: 3,
    stride: 1,
    attrs: { pads: [1, 1, 1, 1] },
    pads: [1, 1, 1, 1],
  },
  {
    name: 'depthwise, stride 1, pads 1',
    cIn: 4,
    cOut: 4,
    group: 4,
    size: 9,
    kernel: 3,
    stride: 1,
    attrs: { pads: [1, 1, 1, 1] },
    pads: [1, 1, 1, 1],
  },
  {
    name: 'depthwise, stride 2, pads 1',
    cIn: 4,
    cOut: 4,
    group: 4,
    size: 9,
    kernel: 3,
    stride: 2,
    attrs: { pads: [1, 1, 1, 1] },
    pads: [1, 1, 1, 1],
  },
  // Uneven pads: the forward pads the input; the backward passes them to the kernel.
  {
    name: 'depthwise, stride 2, uneven pads',
    cIn: 4,
    cOut: 4,
    group: 4,
    size: 10,
    kernel: 3,
    stride: 2,
    attrs: { pads: [0, 0, 1, 1] },
    pads: [0, 0, 1, 1],
  },
  {
    name: 'depthwise x2 multiplier, stride 2, SAME_LOWER',
    cIn: 3,
    cOut: 6,
    group: 3,
    size: 10,
    kernel: 3,
    stride: 2,
    attrs: { auto_pad: 'SAME_LOWER' },
    pads: [1, 1, 0, 0],
  },
  {
    name: 'depthwise, 5 x 5, stride 2, pads 2',
    cIn: 5,
    cOut: 5,
    group: 5,
    size: 11,
    kernel: 5,
    stride: 2,
    attrs: { pads: [2, 2, 2, 2] },
    pads: [2, 2, 2, 2],
  },
];

describe('the tape-free Conv vjp (core backprop-input kernels)', () => {
  it.each(cases.map((c) => [c.name, c] as const))(
    '%s: equals tf.grad on the cpu backend, no leaks',
    async (_, c) => {
      const group = c.group ?? 1;
      const wSize = c.cOut * (c.cIn / group) * c.kernel * c.kernel;
      const w = randomNormal(wSize, 21, 0.5);
      const model = await loadOnnxModel(
        buildModel({
          nodes: [
            {
              op: 'Conv',
              inputs: ['x', 'w'],
              outputs: ['y'],
              attrs: {
                kernel_shape: [c.kernel, c.kernel],
                strides: [c.stride, c.stride],
                group,
                ...c.attrs,
              },
            },
          ],
          input: { name: 'x', dims: ['n', c.cIn, c.size, c.size] },
          output: { name: 'y' },
          initializers: [{ name: 'w', dims: [c.cOut, c.cIn / group, c.kernel, c.kernel], data: w }],
        }),
      );
      try {
        const shape = [2, c.cIn, c.size, c.size];
        const xData = randomNormal(2 * c.cIn * c.size * c.size, 22);
        const x = tf.tensor(xData, shape);
        const { ours, r } = await tapeFreeGradient(model, x);
        const expected = await cpuGradient((input) => referenceConv(c, input, w), xData, shape, r);
        expect(relativeMaxError(ours, expected)).toBeLessThan(1e-5);
        x.dispose();
      } finally {
        model.dispose();
      }
    },
  );
});

/** Conv -> activation -> Conv models, per activation node the executor may fuse into the conv. */
