import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { expectNoLeakedTensors } from '../testing.js';
import { col2imSimd } from './col2im-simd.js';
import { convAxes } from './conv-geometry.js';
import {
  chooseInputGradPath,
  conv2dBackpropInputWasm,
  inputGradPath,
} from './conv2d-backprop-input-wasm.js';
import {
  backendDataIds,
  type ConvCase,
  convCases,
  expectCloseToReference,
  randn,
  runOn,
  spreadFilter,
} from './test-kernel-helpers.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

function dyShape(c: ConvCase, depthwise = false) {
  return backend_util.computeConv2DInfo(
    c.x,
    c.filter,
    c.strides,
    c.dilations,
    c.pad,
    undefined,
    depthwise,
  ).outShape;
}

function backpropInput(dy: tf.Tensor, filter: tf.Tensor, c: ConvCase, dilations = c.dilations) {
  return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, {
    strides: c.strides,
    pad: c.pad,
    dataFormat: 'NHWC',
    inputShape: c.x,
    dilations,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

describe('conv2dBackpropInputWasm', () => {
  it('is the registered wasm Conv2DBackpropInput after setupBackend', () => {
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBe(conv2dBackpropInputWasm);
  });

  it.each(convCases)('$name: matches the cpu backend', async (c) => {
    const dyS = dyShape(c);
    const dyV = randn(tf.util.sizeFromShape(dyS), 1);
    const wV = randn(tf.util.sizeFromShape(c.filter), 2);
    const ours = await runOn('wasm', () =>
      backpropInput(tf.tensor(dyV, dyS), tf.tensor(wV, c.filter), c),
    );
    // tfjs's cpu kernel ignores dilations; a dilated filter equals its zero-spread twin.
    const spread = spreadFilter(wV, c.filter, c.dilations);
    const reference = await runOn('cpu', () =>
      backpropInput(tf.tensor(dyV, dyS), tf.tensor(spread.values, spread.shape), c, [1, 1]),
    );
    expect((ours as unknown as { shape: number[] }).shape).toEqual(c.x);
    expectCloseToReference(ours, reference);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    const c = convCases[3]!;
    const dy = tf.tensor(randn(tf.util.sizeFromShape(dyShape(c)), 3), dyShape(c));
    const w = tf.tensor(randn(tf.util.sizeFromShape(c.filter), 4), c.filter);
    const before = backendDataIds();
    await expectNoLeakedTensors(() => backpropInput(dy, w, c));
    expect(backendDataIds()).toBe(before);
    tf.dispose([dy, w]);
  });

  it('rejects NCHW data and a dy of the wrong shape with InterpErrors saying what to pass', () => {
    const c = convCases[0]!;
    const w = tf.zeros(c.filter);
    const dy = tf.zeros(dyShape(c));
    const nchw = () =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, {
        strides: 1,
        pad: 'same',
        dataFormat: 'NCHW',
        inputShape: [2, 3, 7, 5],
      } as unknown as tf.NamedAttrMap);
    expect(nchw).toThrow(InterpError);
    expect(nchw).toThrow(/supports dataFormat 'NHWC' only/);
    const wrongDy = tf.zeros([2, 7, 5, 9]);
    expect(() => backpropInput(wrongDy, w, c)).toThrow(/dy has shape \[2,7,5,9\]/);
    tf.dispose([w, dy, wrongDy]);
  });
});

describe.each(['gemm', 'conv'] as const)('conv2dBackpropInputWasm, %s path forced', (path) => {
  beforeAll(() => {
    inputGradPath.force = path;
  });
  afterAll(() => {
    inputGradPath.force = undefined;
  });

  it.each(convCases)('$name: matches the cpu backend', async (c) => {
    const dyS = dyShape(c);
    const dyV = randn(tf.util.sizeFromShape(dyS), 5);
    const wV = randn(tf.util.sizeFromShape(c.filter), 6);
    const ours = await runOn('wasm', () =>
      backpropInput(tf.tensor(dyV, dyS), tf.tensor(wV, c.filter), c),
    );
    const spread = spreadFilter(wV, c.filter, c.dilations);
    const reference = await runOn('cpu', () =>
      backpropInput(tf.tensor(dyV, dyS), tf.tensor(spread.values, spread.shape), c, [1, 1]),
    );
    expectCloseToReference(ours, reference);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    const c = convCases[4]!;
    const dy = tf.tensor(randn(tf.util.sizeFromShape(dyShape(c)), 7), dyShape(c));
    const w = tf.tensor(randn(tf.util.sizeFromShape(c.filter), 8), c.filter);
    const before = backendDataIds();
    await expectNoLeakedTensors(() => backpropInput(dy, w, c));
    expect(backendDataIds()).toBe(before);
    tf.dispose([dy, w]);
  });
});

describe('the matmul + col2im input gradient', () => {
  it('runs on this platform (WebAssembly SIMD on the wasm backend memory)', () => {
    expect(col2imSimd(tf.backend())).toBeTypeOf('function');
  });

  it('is chosen where the transposed conv does extra work, not where it does the same', () => {
    const choose = (x: number[], filter: number[], strides: number, pad: 'same' | 'valid') => {
      const info = backend_util.computeConv2DInfo(
        x as [number, number, number, number],
        filter as [number, number, number, number],
        strides,
        1,
        pad,
      );
      return chooseInputGradPath(info.outShape, filter, ...convAxes(info));
    };
    // The demo CNN: conv2 ('valid', 16 -> 32) by matmul; conv1 (1 -> 16) by depthwise conv.
    expect(choose([32, 13, 13, 16], [3, 3, 16, 32], 1, 'valid')).toBe('gemm');
    expect(choose([32, 28, 28, 1], [3, 3, 1, 16], 1, 'valid')).toBe('conv');
    expect(choose([16, 32, 32, 3], [3, 3, 3, 32], 1, 'same')).toBe('gemm');
    expect(choose([16, 32, 32, 32], [3, 3, 32, 64], 2, 'same')).toBe('gemm');
    expect(choose([32, 13, 13, 16], [3, 3, 16, 32], 1, 'same')).toBe('conv');
    expect(choose([16, 28, 28, 8], [3, 3, 8, 8], 2, 'valid')).toBe('conv');
  });
});
