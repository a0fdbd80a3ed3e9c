import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InterpError } from '../errors.js';
import { depthwiseConv2dNativeBackpropInputWasm } from './depthwise-conv2d-native-backprop-input-wasm.js';
import { convBackpropSuite } from './test-conv-backprop-suite.js';
import { asDepthwise, convBackprop, convCase, convCases } from './test-kernel-cases.js';

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

  it('rejects a dy of the wrong shape with an InterpError', () => {
    const c = cases[0]!;
    const w = tf.zeros(c.filter);
    const dy = tf.zeros([2, 7, 5, 3]);
    expect(() => convBackprop(KERNEL, [dy, w], c)).toThrow(InterpError);
    expect(() => convBackprop(KERNEL, [dy, w], c)).toThrow(/gives \[2,7,5,12\]/);
    tf.dispose([w, dy]);
  });
});
