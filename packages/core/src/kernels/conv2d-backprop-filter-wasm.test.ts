import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InterpError } from '../errors.js';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter-wasm.js';
import { convBackpropSuite } from './test-conv-backprop-suite.js';
import { convBackprop, convCases } from './test-kernel-cases.js';

const KERNEL = 'Conv2DBackpropFilter';

describe('conv2dBackpropFilterWasm', () => {
  convBackpropSuite({
    kernel: KERNEL,
    config: conv2dBackpropFilterWasm,
    cases: convCases,
    seeds: [5, 6],
    leakCases: [convCases[0]!, convCases[1]!, convCases[3]!], // dy as filter and x as filter
    leakSeeds: [7, 8],
  });

  it('rejects a dy of the wrong shape with an InterpError naming the expected shape', () => {
    const c = convCases[0]!;
    const x = tf.zeros(c.x);
    const dy = tf.zeros([2, 6, 5, 4]);
    expect(() => convBackprop(KERNEL, [x, dy], c)).toThrow(InterpError);
    expect(() => convBackprop(KERNEL, [x, dy], c)).toThrow(/gives \[2,7,5,4\]/);
    tf.dispose([x, dy]);
  });
});
