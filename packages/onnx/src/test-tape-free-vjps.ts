// Shared by the tape-free vjp tests (tape-free-vjps.test.ts, tape-free-fused-gemm-vjps.test.ts)
// and gemm-tape-gradient.test.ts: an ONNX Conv and Gemm written independently with tfjs ops, tf.grad on the cpu backend, and the tape-free
// gradient of a loaded model, checked for leaks.
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { loadOnnxModel } from './load-onnx-model.js';
import type { OnnxModel } from './onnx-model.js';
import { type AttrValue, buildModel, f, randomNormal } from './test-onnx-builder.js';

/** The largest |a - b| relative to the largest |b|. */
export function relativeMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}

export interface ConvCase {
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

/** `fn`'s result on the cpu backend (then back on wasm). */
export async function onCpu<T extends tf.TensorContainer>(fn: () => T): Promise<T> {
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
export function referenceConv(c: ConvCase, input: tf.Tensor, w: Float32Array): tf.Tensor {
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
export function cpuGradient(
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
export async function tapeFreeGradient(model: OnnxModel, x: tf.Tensor) {
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

/** The Gemm cases both Gemm gradient tests run: name, attributes, whether A is transposed. */
export const GEMM_CASES = [
  ['transB 1, bias', { transB: 1 }, false],
  ['transB 0, alpha 0.5, beta 2', { alpha: f(0.5), beta: f(2) }, false],
  ['transA 1', { transA: 1, transB: 1 }, true],
] as const;

/**
 * A `[3, 5] x [5, 4]` Gemm model (after a Relu when `relu`), its input and the same function
 * written independently with tfjs ops (for cpuGradient); `seed` picks the random data.
 */
export async function gemmFixture(
  attrs: (typeof GEMM_CASES)[number][1],
  transA: boolean,
  { relu, seed }: { relu: boolean; seed: number },
) {
  const [m, k, n] = [3, 5, 4];
  const bData = randomNormal(k * n, seed);
  const cData = randomNormal(n, seed + 1);
  const transB = 'transB' in attrs && attrs.transB === 1;
  const alpha = 'alpha' in attrs ? attrs.alpha.float : 1;
  const beta = 'beta' in attrs ? attrs.beta.float : 1;
  const gemmInput = relu ? 'a' : 'x';
  const model = await loadOnnxModel(
    buildModel({
      nodes: [
        ...(relu ? [{ op: 'Relu', inputs: ['x'], outputs: ['a'] }] : []),
        { op: 'Gemm', inputs: [gemmInput, 'b', 'c'], outputs: ['y'], attrs },
      ],
      input: { name: 'x', dims: transA ? [k, m] : [m, k] },
      output: { name: 'y' },
      initializers: [
        { name: 'b', dims: transB ? [n, k] : [k, n], data: bData },
        { name: 'c', dims: [n], data: cData },
      ],
    }),
  );
  const reference = (input: tf.Tensor) => {
    const b = tf.tensor2d(bData, transB ? [n, k] : [k, n]);
    const a = (relu ? tf.relu(input) : input) as tf.Tensor2D;
    const y = tf.matMul(a, b, transA, transB);
    return tf.add(tf.mul(y, alpha), tf.mul(tf.tensor1d(cData), beta));
  };
  const shape = transA ? [k, m] : [m, k];
  return {
    model,
    shape,
    xData: randomNormal(m * k, seed + 2),
    rData: randomNormal(m * n, seed + 3),
    reference,
  };
}
