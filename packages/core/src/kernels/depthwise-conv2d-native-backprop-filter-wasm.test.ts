import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InterpError } from '../errors.js';
import { depthwiseConv2dNativeBackpropFilterWasm } from './depthwise-conv2d-native-backprop-filter-wasm.js';
import { convBackpropSuite } from './test-conv-backprop-suite.js';
import { asDepthwise, convBackprop, convCase, convCases } from './test-kernel-cases.js';

const KERNEL = 'DepthwiseConv2dNativeBackpropFilter';

const cases = asDepthwise(convCases);

// Bigger than the shared cases so that dy spans several 5x5 blocks (and a partial one).
const blockCases = asDepthwise([
  convCase(
    '3x3 stride 1 same over 3x3 blocks of 5x5',
    [2, 13, 12, 3],
    [3, 3, 3, 2],
    [1, 1],
    'same',
  ),
  convCase('3x3 stride 2 valid over 2x3 blocks', [1, 21, 27, 2], [3, 3, 2, 1], [2, 2], 'valid'),
  convCase('5x5 dilation 2 same', [2, 16, 11, 2], [5, 5, 2, 1], [1, 1], 'same', [2, 2]),
]);

describe('depthwiseConv2dNativeBackpropFilterWasm', () => {
  convBackpropSuite({
    kernel: KERNEL,
    config: depthwiseConv2dNativeBackpropFilterWasm,
    cases: [...cases, ...blockCases],
    seeds: [15, 16],
    leakCases: [cases[2]!, blockCases[0]!],
    leakSeeds: [17, 18],
  });

  it('rejects a dy of the wrong shape with an InterpError', () => {
    const c = cases[0]!;
    const x = tf.zeros(c.x);
    const dy = tf.zeros([2, 7, 5, 3]);
    expect(() => convBackprop(KERNEL, [x, dy], c)).toThrow(InterpError);
    tf.dispose([x, dy]);
  });
});
