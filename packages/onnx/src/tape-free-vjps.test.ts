// The tape-free backward's hand-written vjps against tf.grad of the same ops written
// independently with tfjs ops on the cpu backend: Conv (convInputGradient: core's backprop-input
// kernels on the forward's filters) on strided, padded and depthwise convs, Gemm, and the
// activations the executor fuses into convs.
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUSABLE_ACTIVATIONS } from './graph-plan.js';
import { loadOnnxModel } from './load-onnx-model.js';
import type { OnnxModel } from './onnx-model.js';
import { hasHandWrittenVjp } from './tape-free-gradient.js';
import { type AttrValue, buildModel, f, type NodeSpec, randomNormal } from './test-onnx-builder.js';

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

interface ConvCase {
  name: string;
  /** Input channels, output channels, input height = width. */
  cIn: number;
  cOut: number;
  size: number;
  kernel: number;
  stride: number;
  group?: number;
  attrs: Record<string, AttrValue>;
  /** The pads the attributes mean, ONNX order [top, left, bottom, right] (worked by hand). */
  pads: [number, number, number, number];
}

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

/** `fn`'s result on the cpu backend (then back on wasm). */
async function onCpu<T extends tf.TensorContainer>(fn: () => T): Promise<T> {
  await tf.setBackend('cpu');
  try {
    return tf.tidy(fn);
  } finally {
    await tf.setBackend('wasm');
  }
}

/**
 * An ONNX Conv written with tfjs ops, independently of the executor: NCHW in and out, explicit
 * zero padding, a grouped conv as one tf.conv2d per group (output channels
 * [g * cOut / group, (g + 1) * cOut / group) read input channels of group g, ONNX's order).
 */
function referenceConv(c: ConvCase, input: tf.Tensor, w: Float32Array): tf.Tensor {
  const group = c.group ?? 1;
  const weight = tf.tensor4d(w, [c.cOut, c.cIn / group, c.kernel, c.kernel]);
  const [top, left, bottom, right] = c.pads;
  const padded = tf.pad(tf.transpose(input, [0, 2, 3, 1]), [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]) as tf.Tensor4D;
  const perGroup = c.cOut / group;
  // (tf.split into one part has no gradient: tfjs's SplitV gradient concats a single tensor.)
  const parts = group === 1 ? [padded] : tf.split(padded, group, 3);
  const outputs = parts.map((xg, g) => {
    const wg = tf.slice(weight, [g * perGroup, 0, 0, 0], [perGroup, -1, -1, -1]);
    const filter = tf.transpose(wg, [2, 3, 1, 0]) as tf.Tensor4D;
    return tf.conv2d(xg as tf.Tensor4D, filter, c.stride, 'valid');
  });
  return tf.transpose(outputs.length === 1 ? outputs[0]! : tf.concat(outputs, 3), [0, 3, 1, 2]);
}

/** d(sum(f(x) * r))/dx by tf.grad on the cpu backend. */
function cpuGradient(
  f: (x: tf.Tensor) => tf.Tensor,
  x: Float32Array,
  shape: number[],
  r: Float32Array,
): Promise<Float32Array> {
  return onCpu(() => {
    const score = (input: tf.Tensor) => {
      const y = f(input);
      return tf.sum(tf.mul(y, tf.tensor(r, y.shape)));
    };
    return tf.grad(score)(tf.tensor(x, shape)).dataSync() as Float32Array;
  });
}

/** The tape-free gradient of sum(model(x) * r), checked for leaks after a warm call. */
async function tapeFreeGradient(model: OnnxModel, x: tf.Tensor) {
  const y = model.predict(x);
  const r = randomNormal(y.size, 23);
  const rTensor = tf.tensor(r, y.shape);
  y.dispose();
  const gradient = () => {
    const g = model.inputGradient(x, () => tf.clone(rTensor));
    expect(g).toBeDefined();
    const data = g!.gradient.dataSync().slice();
    tf.dispose([g!.gradient, g!.outputs]);
    return data;
  };
  gradient(); // the first call memoizes the filters (owned by the model)
  const ours = await expectNoLeakedTensors(() => gradient());
  rTensor.dispose();
  return { ours, r };
}

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
const fused: Record<string, { variant: string; node: NodeSpec; f: (y: tf.Tensor) => tf.Tensor }[]> =
  {
    Relu: [{ variant: 'Relu', node: { op: 'Relu', inputs: ['c'], outputs: ['a'] }, f: tf.relu }],
    Clip: [
      {
        variant: 'Clip [0, 6]',
        node: { op: 'Clip', inputs: ['c', 'lo', 'hi'], outputs: ['a'] },
        f: (y) => tf.clipByValue(y, 0, 6),
      },
      {
        variant: 'Clip [0, inf)',
        node: { op: 'Clip', inputs: ['c', 'lo'], outputs: ['a'] },
        f: tf.relu,
      },
    ],
  };

describe('activations the executor fuses into a conv', () => {
  it('each has a case here and a hand-written vjp (the conv vjp is linear: a missing mask would pass dy through)', () => {
    expect(Object.keys(fused).sort()).toEqual([...FUSABLE_ACTIVATIONS].sort());
    for (const op of FUSABLE_ACTIVATIONS) expect(hasHandWrittenVjp(op)).toBe(true);
  });

  const variants = Object.values(fused).flatMap((vs) => vs.map((v) => [v.variant, v] as const));
  it.each(variants)(
    '%s: fused in the forward, the tape-free gradient equals tf.grad on the cpu backend',
    async (_, { node, f }) => {
      const first: ConvCase = {
        name: 'c1',
        cIn: 3,
        cOut: 4,
        size: 9,
        kernel: 3,
        stride: 2,
        attrs: { pads: [1, 1, 1, 1] },
        pads: [1, 1, 1, 1],
      };
      const second: ConvCase = { ...first, name: 'c2', cIn: 4, cOut: 5, stride: 1 };
      const w1 = randomNormal(4 * 3 * 9, 31, 0.8);
      const w2 = randomNormal(5 * 4 * 9, 32, 0.5);
      const model = await loadOnnxModel(
        buildModel({
          nodes: [
            {
              op: 'Conv',
              name: 'c1',
              inputs: ['x', 'w1'],
              outputs: ['c'],
              attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] },
            },
            node,
            {
              op: 'Conv',
              inputs: ['a', 'w2'],
              outputs: ['y'],
              attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
            },
          ],
          input: { name: 'x', dims: ['n', 3, 9, 9] },
          output: { name: 'y' },
          initializers: [
            { name: 'w1', dims: [4, 3, 3, 3], data: w1 },
            { name: 'w2', dims: [5, 4, 3, 3], data: w2 },
            { name: 'lo', dims: [], data: [0] },
            { name: 'hi', dims: [], data: [6] },
          ],
        }),
      );
      try {
        const shape = [2, 3, 9, 9];
        const xData = randomNormal(2 * 3 * 81, 33, 2);
        const x = tf.tensor(xData, shape);
        // The masks matter: the conv's outputs reach below 0 and above 6.
        const conv = await model.run(x, { taps: ['c1'] }).taps.c1!;
        const values = await conv.data();
        conv.dispose();
        expect(Math.min(...values)).toBeLessThan(0);
        expect(Math.max(...values)).toBeGreaterThan(6);
        // Fused: the forward runs no activation kernel of its own.
        const profile = await tf.profile(() => model.predict(x));
        tf.dispose(profile.result as tf.Tensor);
        expect(profile.kernelNames).toContain('FusedConv2D');
        expect(profile.kernelNames.filter((k) => /relu|clip/i.test(k))).toEqual([]);
        const { ours, r } = await tapeFreeGradient(model, x);
        const expected = await cpuGradient(
          (input) => referenceConv(second, f(referenceConv(first, input, w1)), w2),
          xData,
          shape,
          r,
        );
        expect(relativeMaxError(ours, expected)).toBeLessThan(1e-5);
        x.dispose();
      } finally {
        model.dispose();
      }
    },
  );
});

describe('the tape-free Gemm vjp', () => {
  it.each([
    ['transB 1, bias', { transB: 1 }, false],
    ['transB 0, alpha 0.5, beta 2', { alpha: f(0.5), beta: f(2) }, false],
    ['transA 1 (tf.grad of the node)', { transA: 1, transB: 1 }, true],
  ] as const)('%s: equals tf.grad on the cpu backend, no leaks', async (_, attrs, transA) => {
    const [m, k, n] = [3, 5, 4];
    const bData = randomNormal(k * n, 41);
    const cData = randomNormal(n, 42);
    const transB = 'transB' in attrs && attrs.transB === 1;
    const alpha = 'alpha' in attrs ? attrs.alpha.float : 1;
    const model = await loadOnnxModel(
      buildModel({
        nodes: [{ op: 'Gemm', inputs: ['x', 'b', 'c'], outputs: ['y'], attrs }],
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
      const xData = randomNormal(m * k, 43);
      const x = tf.tensor(xData, shape);
      const { ours, r } = await tapeFreeGradient(model, x);
      const reference = (input: tf.Tensor) => {
        const b = tf.tensor2d(bData, transB ? [n, k] : [k, n]);
        const y = tf.matMul(input as tf.Tensor2D, b, transA, transB);
        return tf.add(tf.mul(y, alpha), tf.tensor1d(cData));
      };
      expect(relativeMaxError(ours, await cpuGradient(reference, xData, shape, r))).toBeLessThan(
        1e-5,
      );
      x.dispose();
    } finally {
      model.dispose();
    }
  });
});
