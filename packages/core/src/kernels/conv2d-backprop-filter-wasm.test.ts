import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { conv2dBackpropFilterWasm } from './conv2d-backprop-filter-wasm.js';
import {
  convBackprop,
  convCases,
  expectBackpropFreesEverything,
  expectBackpropMatchesCpu,
} from './test-kernel-cases.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const KERNEL = 'Conv2DBackpropFilter';

describe('conv2dBackpropFilterWasm', () => {
  it('is the registered wasm Conv2DBackpropFilter after setupBackend', () => {
    expect(tf.getKernel(KERNEL, 'wasm')).toBe(conv2dBackpropFilterWasm);
  });

  it.each(convCases)('$name: matches the cpu backend', async (c) => {
    await expectBackpropMatchesCpu(KERNEL, c, [5, 6]);
  });

  it('leaks no tensors and no wasm buffers (dy as filter and x as filter)', async () => {
    for (const c of [convCases[0]!, convCases[1]!, convCases[3]!]) {
      await expectBackpropFreesEverything(KERNEL, c, [7, 8]);
    }
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
