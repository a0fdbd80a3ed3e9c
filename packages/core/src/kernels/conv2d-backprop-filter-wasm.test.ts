import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { expectNoLeakedTensors } from '../testing.js';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter-wasm.js';
import {
  backendDataIds,
  type ConvCase,
  convCases,
  expectCloseToReference,
  randn,
  runOn,
  unspreadFilter,
} from './test-kernel-helpers.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

function dyShape(c: ConvCase) {
  return backend_util.computeConv2DInfo(c.x, c.filter, c.strides, c.dilations, c.pad).outShape;
}

function backpropFilter(
  x: tf.Tensor,
  dy: tf.Tensor,
  c: ConvCase,
  filterShape: number[] = c.filter,
  dilations = c.dilations,
) {
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
    strides: c.strides,
    pad: c.pad,
    dataFormat: 'NHWC',
    filterShape,
    dilations,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

describe('conv2dBackpropFilterWasm', () => {
  it('is the registered wasm Conv2DBackpropFilter after setupBackend', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBe(conv2dBackpropFilterWasm);
  });

  it.each(convCases)('$name: matches the cpu backend', async (c) => {
    const dyS = dyShape(c);
    const xV = randn(tf.util.sizeFromShape(c.x), 5);
    const dyV = randn(tf.util.sizeFromShape(dyS), 6);
    const ours = await runOn('wasm', () =>
      backpropFilter(tf.tensor(xV, c.x), tf.tensor(dyV, dyS), c),
    );
    // tfjs's cpu kernel ignores dilations: differentiate the zero-spread twin filter instead and
    // keep every dilation-th tap.
    const [dh, dw] = c.dilations;
    const spreadShape = [
      (c.filter[0] - 1) * dh + 1,
      (c.filter[1] - 1) * dw + 1,
      c.filter[2],
      c.filter[3],
    ];
    const spread = await runOn('cpu', () =>
      backpropFilter(tf.tensor(xV, c.x), tf.tensor(dyV, dyS), c, spreadShape, [1, 1]),
    );
    expect((ours as unknown as { shape: number[] }).shape).toEqual(c.filter);
    expectCloseToReference(ours, unspreadFilter(spread, c.filter, c.dilations));
  });

  it('leaks no tensors and no wasm buffers (dy as filter and x as filter)', async () => {
    for (const c of [convCases[0]!, convCases[1]!, convCases[3]!]) {
      const x = tf.tensor(randn(tf.util.sizeFromShape(c.x), 7), c.x);
      const dy = tf.tensor(randn(tf.util.sizeFromShape(dyShape(c)), 8), dyShape(c));
      const before = backendDataIds();
      await expectNoLeakedTensors(() => backpropFilter(x, dy, c));
      expect(backendDataIds()).toBe(before);
      tf.dispose([x, dy]);
    }
  });

  it('rejects a dy of the wrong shape with an InterpError naming the expected shape', () => {
    const c = convCases[0]!;
    const x = tf.zeros(c.x);
    const dy = tf.zeros([2, 6, 5, 4]);
    expect(() => backpropFilter(x, dy, c)).toThrow(InterpError);
    expect(() => backpropFilter(x, dy, c)).toThrow(/gives \[2,7,5,4\]/);
    tf.dispose([x, dy]);
  });
});
