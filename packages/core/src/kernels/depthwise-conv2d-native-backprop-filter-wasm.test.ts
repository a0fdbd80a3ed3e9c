import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { expectNoLeakedTensors } from '../testing.js';
import { depthwiseConv2dNativeBackpropFilterWasm } from './depthwise-conv2d-native-backprop-filter-wasm.js';
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

function backpropFilter(
  x: tf.Tensor,
  dy: tf.Tensor,
  c: ConvCase,
  filterShape: number[] = c.filter,
  dilations = c.dilations,
) {
  return tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, {
    strides: c.strides,
    pad: c.pad,
    dilations,
    filterShape,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

// The shared cases read as depthwise convs: filter [fh, fw, channels, multiplier].
const cases = convCases.map((c) => ({ ...c, multiplier: c.filter[3] }));

// Bigger than the shared cases so that dy spans several 5x5 blocks (and a partial one).
const blockCases = (
  [
    {
      name: '3x3 stride 1 same over 3x3 blocks of 5x5',
      x: [2, 13, 12, 3],
      filter: [3, 3, 3, 2],
      strides: [1, 1],
      pad: 'same',
      dilations: [1, 1],
    },
    {
      name: '3x3 stride 2 valid over 2x3 blocks',
      x: [1, 21, 27, 2],
      filter: [3, 3, 2, 1],
      strides: [2, 2],
      pad: 'valid',
      dilations: [1, 1],
    },
    {
      name: '5x5 dilation 2 same',
      x: [2, 16, 11, 2],
      filter: [5, 5, 2, 1],
      strides: [1, 1],
      pad: 'same',
      dilations: [2, 2],
    },
  ] satisfies ConvCase[] as ConvCase[]
).map((c) => ({ ...c, multiplier: c.filter[3] }));

describe('depthwiseConv2dNativeBackpropFilterWasm', () => {
  it('is the registered wasm DepthwiseConv2dNativeBackpropFilter after setupBackend', () => {
    expect(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm')).toBe(
      depthwiseConv2dNativeBackpropFilterWasm,
    );
  });

  it.each([...cases, ...blockCases])(
    '$name, multiplier $multiplier: matches the cpu backend',
    async (c) => {
      const dyS = dyShape(c);
      const xV = randn(tf.util.sizeFromShape(c.x), 15);
      const dyV = randn(tf.util.sizeFromShape(dyS), 16);
      const ours = await runOn('wasm', () =>
        backpropFilter(tf.tensor(xV, c.x), tf.tensor(dyV, dyS), c),
      );
      // tfjs's cpu kernel ignores dilations: differentiate the zero-spread twin filter instead.
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
    },
  );

  it('leaks no tensors and no wasm buffers', async () => {
    for (const c of [cases[2]!, blockCases[0]!]) {
      const x = tf.tensor(randn(tf.util.sizeFromShape(c.x), 17), c.x);
      const dy = tf.tensor(randn(tf.util.sizeFromShape(dyShape(c)), 18), dyShape(c));
      const before = backendDataIds();
      await expectNoLeakedTensors(() => backpropFilter(x, dy, c));
      expect(backendDataIds()).toBe(before);
      tf.dispose([x, dy]);
    }
  });

  it('rejects a dy of the wrong shape with an InterpError', () => {
    const c = cases[0]!;
    const x = tf.zeros(c.x);
    const dy = tf.zeros([2, 7, 5, 3]);
    expect(() => backpropFilter(x, dy, c)).toThrow(InterpError);
    tf.dispose([x, dy]);
  });
});
