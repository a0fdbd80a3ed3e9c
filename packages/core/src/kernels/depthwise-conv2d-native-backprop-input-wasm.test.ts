import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { depthwiseConv2dNativeBackpropInputWasm } from './depthwise-conv2d-native-backprop-input-wasm.js';
import {
  asDepthwise,
  convBackprop,
  convCases,
  expectBackpropFreesEverything,
  expectBackpropMatchesCpu,
} from './test-kernel-cases.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const KERNEL = 'DepthwiseConv2dNativeBackpropInput';

const cases = asDepthwise(convCases);

describe('depthwiseConv2dNativeBackpropInputWasm', () => {
  it('is the registered wasm DepthwiseConv2dNativeBackpropInput after setupBackend', () => {
    expect(tf.getKernel(KERNEL, 'wasm')).toBe(depthwiseConv2dNativeBackpropInputWasm);
  });

  it.each(cases)('$name, multiplier $multiplier: matches the cpu backend', async (c) => {
    await expectBackpropMatchesCpu(KERNEL, c, [11, 12]);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await expectBackpropFreesEverything(KERNEL, cases[2]!, [13, 14]);
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
