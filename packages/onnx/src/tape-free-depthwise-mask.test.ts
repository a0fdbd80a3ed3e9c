// The tape-free backward of a depthwise Conv that reads a ReLU / ReLU6's output (MobileNetV2's
// expansion conv, activation, stride-2 depthwise conv): the depthwise vjp applies that
// activation's mask inside core's depthwise kernel and the activation's vjp hands the gradient
// on. Checked against tf.grad of the same ops written independently with tfjs ops on the cpu
// backend, with the activation's output read by the depthwise conv alone and by two nodes.
import { setupBackend } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import { buildModel, type NodeSpec, randomNormal } from './test-onnx-builder.js';
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

const expand: ConvCase = {
  name: 'expand',
  cIn: 3,
  cOut: 8,
  size: 9,
  kernel: 3,
  stride: 1,
  attrs: { pads: [1, 1, 1, 1] },
  pads: [1, 1, 1, 1],
};
const depthwise: ConvCase = {
  name: 'dw',
  cIn: 8,
  cOut: 8,
  size: 9,
  kernel: 3,
  stride: 2,
  group: 8,
  attrs: { pads: [1, 1, 1, 1] },
  pads: [1, 1, 1, 1],
};
const project: ConvCase = {
  ...expand,
  name: 'project',
  cIn: 8,
  cOut: 4,
  kernel: 1,
  stride: 1,
  attrs: {},
  pads: [0, 0, 0, 0],
};

const activations = [
  ['Clip [0, 6]', ['a0', 'lo', 'hi'], (y: tf.Tensor) => tf.clipByValue(y, 0, 6), 'relu6'],
  ['Clip [0, inf)', ['a0', 'lo'], tf.relu, 'relu'],
  ['Relu', ['a0'], tf.relu, 'relu'],
] as const;

function model(act: readonly string[], alsoRead: boolean) {
  const op = act.length === 1 ? 'Relu' : 'Clip';
  const nodes: NodeSpec[] = [
    {
      op: 'Conv',
      name: 'expand',
      inputs: ['x', 'w1'],
      outputs: ['a0'],
      attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
    },
    { op, inputs: [...act], outputs: ['a'] },
    {
      op: 'Conv',
      name: 'dw',
      inputs: ['a', 'w2'],
      outputs: ['d0'],
      attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: 8 },
    },
    { op: 'Clip', inputs: ['d0', 'lo', 'hi'], outputs: ['d'] },
    {
      op: 'Conv',
      name: 'project',
      inputs: ['d', 'w3'],
      outputs: [alsoRead ? 'p' : 'y'],
      attrs: { kernel_shape: [1, 1] },
    },
  ];
  // A second reader of the activation: its gradient is summed with the depthwise conv's.
  if (alsoRead) {
    nodes.push(
      {
        op: 'MaxPool',
        inputs: ['a'],
        outputs: ['m0'],
        attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] },
      },
      { op: 'ReduceMean', inputs: ['m0'], outputs: ['m'], attrs: { axes: [1], keepdims: 1 } },
      { op: 'Add', inputs: ['p', 'm'], outputs: ['y'] },
    );
  }
  return buildModel({
    nodes,
    input: { name: 'x', dims: ['n', 3, 9, 9] },
    output: { name: 'y' },
    initializers: [
      { name: 'w1', dims: [8, 3, 3, 3], data: randomNormal(8 * 27, 51, 0.8) },
      { name: 'w2', dims: [8, 1, 3, 3], data: randomNormal(8 * 9, 52, 0.8) },
      { name: 'w3', dims: [4, 8, 1, 1], data: randomNormal(4 * 8, 53, 0.5) },
      { name: 'lo', dims: [], data: [0] },
      { name: 'hi', dims: [], data: [6] },
    ],
  });
}

describe('a depthwise Conv after a ReLU / ReLU6 (the mask in the depthwise kernel)', () => {
  it.each(activations)(
    '%s: equals tf.grad on the cpu backend, one mask pass, no leaks',
    async (_, act, f) => {
      const m = await loadOnnxModel(model(act, false));
      try {
        const shape = [2, 3, 9, 9];
        const xData = randomNormal(2 * 3 * 81, 54, 2);
        const x = tf.tensor(xData, shape);
        const [w1, w2, w3] = [
          randomNormal(8 * 27, 51, 0.8),
          randomNormal(8 * 9, 52, 0.8),
          randomNormal(4 * 8, 53, 0.5),
        ];
        const { ours, r } = await tapeFreeGradient(m, x);
        const relu6 = (y: tf.Tensor) => tf.clipByValue(y, 0, 6);
        const expected = await cpuGradient(
          (input) =>
            referenceConv(
              project,
              relu6(referenceConv(depthwise, f(referenceConv(expand, input, w1)), w2)),
              w3,
            ),
          xData,
          shape,
          r,
        );
        expect(relativeMaxError(ours, expected)).toBeLessThan(1e-5);
        // Only the ReLU6 after the depthwise conv runs a mask kernel of its own.
        const profile = await tf.profile(() => {
          const g = m.inputGradient(x, (y) => tf.onesLike(y))!;
          return [g.gradient, g.outputs];
        });
        tf.dispose(profile.result as tf.Tensor[]);
        expect(profile.kernelNames.filter((k) => k === 'InterpCappedReluGrad')).toHaveLength(1);
        x.dispose();
      } finally {
        m.dispose();
      }
    },
  );

  it('equals tf.grad when another node reads the activation too (summed gradients)', async () => {
    const m = await loadOnnxModel(model(activations[0][1], true));
    try {
      const shape = [2, 3, 9, 9];
      const xData = randomNormal(2 * 3 * 81, 55, 2);
      const x = tf.tensor(xData, shape);
      const [w1, w2, w3] = [
        randomNormal(8 * 27, 51, 0.8),
        randomNormal(8 * 9, 52, 0.8),
        randomNormal(4 * 8, 53, 0.5),
      ];
      const { ours, r } = await tapeFreeGradient(m, x);
      const relu6 = (y: tf.Tensor) => tf.clipByValue(y, 0, 6);
      const expected = await cpuGradient(
        (input) => {
          const a = relu6(referenceConv(expand, input, w1));
          const p = referenceConv(project, relu6(referenceConv(depthwise, a, w2)), w3);
          const pooled = tf.transpose(
            tf.maxPool(tf.transpose(a, [0, 2, 3, 1]) as tf.Tensor4D, 3, 2, 'same'),
            [0, 3, 1, 2],
          );
          return tf.add(p, tf.mean(pooled, 1, true));
        },
        xData,
        shape,
        r,
      );
      expect(relativeMaxError(ours, expected)).toBeLessThan(1e-5);
      x.dispose();
    } finally {
      m.dispose();
    }
  });
});
