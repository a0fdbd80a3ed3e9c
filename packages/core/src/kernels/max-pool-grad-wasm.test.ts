import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { maxPool2x2GradSimd } from './max-pool-grad-simd.js';
import { MAX_POOL_RELU_GRAD, maxPoolGradWasm, maxPoolReluGradWasm } from './max-pool-grad-wasm.js';
import {
  expectFreesEverything,
  expectWasmMatchesCpu,
  type PoolCase,
  poolCases,
  poolDyShape,
  randomTensor,
} from './test-kernel-cases.js';
import { randn } from './test-kernel-helpers.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

function poolGrad(dy: tf.Tensor, input: tf.Tensor, c: PoolCase) {
  return tf.engine().runKernel('MaxPoolGrad', { dy, input, output: input }, {
    filterSize: c.filterSize,
    strides: c.strides,
    pad: c.pad,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

describe('maxPoolGradWasm', () => {
  it('is the registered wasm MaxPoolGrad after setupBackend', () => {
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).toBe(maxPoolGradWasm);
  });

  it.each(poolCases)('$name: matches the cpu backend', async (c) => {
    const dyShape = poolDyShape(c);
    const xV = randn(tf.util.sizeFromShape(c.x), 51);
    const dyV = randn(tf.util.sizeFromShape(dyShape), 52);
    const run = () => poolGrad(tf.tensor(dyV, dyShape), tf.tensor(xV, c.x), c);
    await expectWasmMatchesCpu(run);
  });

  it('routes each window to its maximum also when all values are negative', async () => {
    const x = tf.tensor4d([-1, -2, -3, -4, 5, -6, -7, -8], [1, 2, 4, 1]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(x);
    // Windows {-1, -2, 5, -6} and {-3, -4, -7, -8}: maxima 5 (index 4) and -3 (index 2).
    expect(Array.from(await g.data())).toEqual([0, 0, 1, 0, 1, 0, 0, 0]);
    tf.dispose([x, g]);
  });

  it('gives a tied window its gradient once, at the first maximum in row-major order', async () => {
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(x);
    expect(Array.from(await g.data())).toEqual([1, 0, 0, 0]);
    tf.dispose([x, g]);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    const c = poolCases[2]!;
    const x = randomTensor(c.x, 53);
    const dy = randomTensor(poolDyShape(c), 54);
    await expectFreesEverything([x, dy], () => poolGrad(dy, x, c));
  });

  it('rejects a dy of the wrong shape with an InterpError naming the expected shape', () => {
    const c = poolCases[0]!;
    const x = tf.zeros(c.x);
    const dy = tf.zeros([2, 3, 3, 3]);
    expect(() => poolGrad(dy, x, c)).toThrow(InterpError);
    expect(() => poolGrad(dy, x, c)).toThrow(/gives \[2,4,3,3\]/);
    tf.dispose([x, dy]);
  });
});

describe('the SIMD 2x2 max-pool gradient', () => {
  it('runs on this platform (WebAssembly SIMD on the wasm backend memory)', () => {
    expect(maxPool2x2GradSimd(tf.backend())).toBeTypeOf('function');
  });

  it('routes ties to the first maximum and all-negative windows to their maximum, per channel', async () => {
    // One 2x2 window, 4 channels: [tie at 3 | all equal 0 | all negative | max last].
    const x = tf.tensor4d([3, 0, -4, 1, 1, 0, -2, 2, 3, 0, -3, 3, 2, 0, -1, 5], [1, 2, 2, 4]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(x);
    // Positions in row-major order (00, 01, 10, 11), channels innermost.
    expect(Array.from(await g.data())).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    tf.dispose([x, g]);
  });
});

function reluPoolGrad(dy: tf.Tensor, input: tf.Tensor, c: PoolCase) {
  return tf.engine().runKernel(MAX_POOL_RELU_GRAD, { dy, input }, {
    filterSize: c.filterSize,
    strides: c.strides,
    pad: c.pad,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

describe('maxPoolReluGradWasm (max-pool gradient times the ReLU mask of its input)', () => {
  beforeAll(() => {
    if (tf.getKernel(MAX_POOL_RELU_GRAD, 'wasm') === undefined)
      tf.registerKernel(maxPoolReluGradWasm);
  });

  it.each(poolCases)('$name: equals the cpu MaxPoolGrad times step(input)', async (c) => {
    const dyShape = poolDyShape(c);
    // ReLU outputs: about half exact zeros (ties within windows), the rest positive.
    const xV = randn(tf.util.sizeFromShape(c.x), 61).map((v) => Math.max(0, v));
    const dyV = randn(tf.util.sizeFromShape(dyShape), 62);
    await expectWasmMatchesCpu(
      () => reluPoolGrad(tf.tensor(dyV, dyShape), tf.tensor(xV, c.x), c),
      () => {
        const x = tf.tensor(xV, c.x);
        return tf.mul(poolGrad(tf.tensor(dyV, dyShape), x, c), tf.step(x));
      },
    );
  });

  it('gives no gradient to a window whose maximum is 0 (a dead ReLU), SIMD and JS paths alike', async () => {
    for (const channels of [4, 3]) {
      const x = tf.zeros([1, 2, 2, channels]);
      const dy = tf.ones([1, 1, 1, channels]);
      const dx = reluPoolGrad(dy, x, poolCases[0]!);
      expect(Array.from(await dx.data())).toEqual(new Array(4 * channels).fill(0));
      tf.dispose([x, dy, dx]);
    }
  });

  it('leaks no tensors and no wasm buffers', async () => {
    const c = poolCases[2]!;
    const x = randomTensor(c.x, 63);
    const dy = randomTensor(poolDyShape(c), 64);
    await expectFreesEverything([x, dy], () => reluPoolGrad(dy, x, c));
  });

  it('rejects a dy of the wrong shape with an InterpError naming the kernel', () => {
    const c = poolCases[0]!;
    const x = tf.zeros(c.x);
    const dy = tf.zeros([2, 3, 3, 3]);
    expect(() => reluPoolGrad(dy, x, c)).toThrow(InterpError);
    expect(() => reluPoolGrad(dy, x, c)).toThrow(/InterpMaxPoolReluGrad: dy has shape/);
    tf.dispose([x, dy]);
  });
});
