import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InterpError } from '../errors.js';
import { depthwiseConv2dNativeBackpropInputWasm } from './depthwise-conv2d-native-backprop-input-wasm.js';
import { depthwiseInputGradSimd } from './depthwise-input-grad-simd.js';
import { convBackpropSuite } from './test-conv-backprop-suite.js';
import { asDepthwise, convBackprop, convCase, convCases } from './test-kernel-cases.js';
import { expectCloseToReference, randn, runOn } from './test-kernel-helpers.js';
import { heapOffset } from './wasm-simd-module.js';

const KERNEL = 'DepthwiseConv2dNativeBackpropInput';

/** Strided with multiplier 1 (the SIMD scatter): vector-only, vector + tail and tail-only channels. */
const stridedMultiplierOne = [
  convCase('3x3 stride 2 same, 6 channels', [2, 9, 8, 6], [3, 3, 6, 1], [2, 2], 'same'),
  convCase('3x3 stride 2 numeric pad 1, 8 channels', [2, 7, 6, 8], [3, 3, 8, 1], [2, 2], 1),
  convCase('5x5 strides [2, 3] valid, 3 channels', [2, 11, 12, 3], [5, 5, 3, 1], [2, 3], 'valid'),
  convCase(
    '3x3 stride 2 explicit asymmetric pads, 4 channels',
    [1, 10, 9, 4],
    [3, 3, 4, 1],
    [2, 2],
    [
      [0, 0],
      [0, 1],
      [2, 0],
      [0, 0],
    ],
  ),
];

const cases = asDepthwise([...convCases, ...stridedMultiplierOne]);

describe('depthwiseConv2dNativeBackpropInputWasm', () => {
  convBackpropSuite({
    kernel: KERNEL,
    config: depthwiseConv2dNativeBackpropInputWasm,
    cases,
    seeds: [11, 12],
    leakCases: [cases[2]!, cases.at(-1)!],
    leakSeeds: [13, 14],
  });

  it("zeroes dx itself: over a dx buffer of NaN the SIMD scatter still gives cpu's result", async () => {
    // 3x3, stride 2, pad 1: x [2, 7, 6, 10] (two vectors and a scalar tail), dy [2, 4, 3, 10].
    const [inputShape, filterShape, dyShape] = [
      [2, 7, 6, 10],
      [3, 3, 10, 1],
      [2, 4, 3, 10],
    ];
    const dyValues = randn(tf.util.sizeFromShape(dyShape), 21);
    const wValues = randn(tf.util.sizeFromShape(filterShape), 22);
    const reference = await runOn(
      'cpu',
      () =>
        tf
          .engine()
          .runKernel(
            KERNEL,
            { dy: tf.tensor(dyValues, dyShape), filter: tf.tensor(wValues, filterShape) },
            { strides: [2, 2], pad: 1, dilations: [1, 1], inputShape },
          ) as tf.Tensor,
    );
    const simd = depthwiseInputGradSimd(tf.backend());
    expect(simd).toBeTypeOf('function');
    const before = tf.memory().numTensors;
    const dy = tf.tensor(dyValues, dyShape);
    const w = tf.tensor(wValues, filterShape);
    const dx = tf.fill(inputShape, Number.NaN);
    const at = (t: tf.Tensor) => heapOffset(tf.backend(), t.dataId);
    simd!(at(dy), at(w), at(dx), 2, 4, 3, 3, 3, 10, 7, 6, 2, 2, 1, 1, 1, 1);
    expectCloseToReference(await dx.data(), reference);
    tf.dispose([dy, w, dx]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a dy of the wrong shape with an InterpError', () => {
    const c = cases[0]!;
    const w = tf.zeros(c.filter);
    const dy = tf.zeros([2, 7, 5, 3]);
    expect(() => convBackprop(KERNEL, [dy, w], c)).toThrow(InterpError);
    expect(() => convBackprop(KERNEL, [dy, w], c)).toThrow(/gives \[2,7,5,12\]/);
    tf.dispose([w, dy]);
  });
});
