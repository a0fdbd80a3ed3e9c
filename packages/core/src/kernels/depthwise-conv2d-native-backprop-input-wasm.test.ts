import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { expectNoLeakedTensors } from '../testing.js';
import { depthwiseConv2dNativeBackpropInputWasm } from './depthwise-conv2d-native-backprop-input-wasm.js';
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

function dyShape(c: ConvCase) {
  return backend_util.computeConv2DInfo(
    c.x,
    c.filter,
    c.strides,
    c.dilations,
    c.pad,
    undefined,
    true,
  ).outShape;
}

function backpropInput(dy: tf.Tensor, filter: tf.Tensor, c: ConvCase, dilations = c.dilations) {
  return tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter }, {
    strides: c.strides,
    pad: c.pad,
    dilations,
    inputShape: c.x,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

// The shared cases read as depthwise convs: filter [fh, fw, channels, multiplier].
const cases = convCases.map((c) => ({ ...c, multiplier: c.filter[3] }));

describe('depthwiseConv2dNativeBackpropInputWasm', () => {
  it('is the registered wasm DepthwiseConv2dNativeBackpropInput after setupBackend', () => {
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm')).toBe(
      depthwiseConv2dNativeBackpropInputWasm,
    );
  });

  it.each(cases)('$name, multiplier $multiplier: matches the cpu backend', async (c) => {
    const dyS = dyShape(c);
    const dyV = randn(tf.util.sizeFromShape(dyS), 11);
    const wV = randn(tf.util.sizeFromShape(c.filter), 12);
    const ours = await runOn('wasm', () =>
      backpropInput(tf.tensor(dyV, dyS), tf.tensor(wV, c.filter), c),
    );
    // tfjs's cpu kernel mishandles dilations; a dilated filter equals its zero-spread twin.
    const spread = spreadFilter(wV, c.filter, c.dilations);
    const reference = await runOn('cpu', () =>
      backpropInput(tf.tensor(dyV, dyS), tf.tensor(spread.values, spread.shape), c, [1, 1]),
    );
    expect((ours as unknown as { shape: number[] }).shape).toEqual(c.x);
    expectCloseToReference(ours, reference);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    const c = cases[2]!;
    const dy = tf.tensor(randn(tf.util.sizeFromShape(dyShape(c)), 13), dyShape(c));
    const w = tf.tensor(randn(tf.util.sizeFromShape(c.filter), 14), c.filter);
    const before = backendDataIds();
    await expectNoLeakedTensors(() => backpropInput(dy, w, c));
    expect(backendDataIds()).toBe(before);
    tf.dispose([dy, w]);
  });

  it('rejects a dy of the wrong shape with an InterpError', () => {
    const c = cases[0]!;
    const w = tf.zeros(c.filter);
    const dy = tf.zeros([2, 7, 5, 3]);
    expect(() => backpropInput(dy, w, c)).toThrow(InterpError);
    expect(() => backpropInput(dy, w, c)).toThrow(/gives \[2,7,5,12\]/);
    tf.dispose([w, dy]);
  });
});
