import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InterpError } from '../errors.js';
import { depthwiseConv2dNativeBackpropInputWasm } from './depthwise-conv2d-native-backprop-input-wasm.js';
import { convBackpropSuite } from './test-conv-backprop-suite.js';
import { asDepthwise, convBackprop, convCases } from './test-kernel-cases.js';

const KERNEL = 'DepthwiseConv2dNativeBackpropInput';

const cases = asDepthwise(convCases);

describe('depthwiseConv2dNativeBackpropInputWasm', () => {
  convBackpropSuite({
    kernel: KERNEL,
    config: depthwiseConv2dNativeBackpropInputWasm,
    cases,
    seeds: [11, 12],
    leakCases: [cases[2]!],
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
