import * as tf from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { col2imPath, col2imSimd } from './col2im-simd.js';
import { convAxes } from './conv-geometry.js';
import {
  chooseInputGradPath,
  conv2dBackpropInputWasm,
  inputGradPath,
} from './conv2d-backprop-input-wasm.js';
import { convBackpropSuite } from './test-conv-backprop-suite.js';
import {
  convBackprop,
  convCase,
  convCases,
  convDyShape,
  expectBackpropFreesEverything,
  expectBackpropMatchesCpu,
} from './test-kernel-cases.js';
import { expectCloseToReference, randn } from './test-kernel-helpers.js';
import { heapOffset } from './wasm-simd-module.js';

beforeAll(async () => {
  await setupBackend('wasm'); // for the describes after the suite's
});

const KERNEL = 'Conv2DBackpropInput';

describe('conv2dBackpropInputWasm', () => {
  convBackpropSuite({
    kernel: KERNEL,
    config: conv2dBackpropInputWasm,
    cases: convCases,
    seeds: [1, 2],
    leakCases: [convCases[3]!],
    leakSeeds: [3, 4],
  });

  it('rejects NCHW data and a dy of the wrong shape with InterpErrors saying what to pass', () => {
    const c = convCases[0]!;
    const w = tf.zeros(c.filter);
    const dy = tf.zeros(convDyShape(c));
    const nchw = () =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, {
        strides: 1,
        pad: 'same',
        dataFormat: 'NCHW',
        inputShape: [2, 3, 7, 5],
      } as unknown as tf.NamedAttrMap);
    expect(nchw).toThrow(InterpError);
    expect(nchw).toThrow(/supports dataFormat 'NHWC' only/);
    const wrongDy = tf.zeros([2, 7, 5, 9]);
    expect(() => convBackprop(KERNEL, [wrongDy, w], c)).toThrow(/dy has shape \[2,7,5,9\]/);
    tf.dispose([w, dy, wrongDy]);
  });
});

describe.each(['gemm', 'conv'] as const)('conv2dBackpropInputWasm, %s path forced', (path) => {
  beforeAll(() => {
    inputGradPath.force = path;
  });
  afterAll(() => {
    inputGradPath.force = undefined;
  });

  it.each(convCases)('$name: matches the cpu backend', async (c) => {
    await expectBackpropMatchesCpu(KERNEL, c, [5, 6]);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    await expectBackpropFreesEverything(KERNEL, convCases[4]!, [7, 8]);
  });
});

describe('the matmul + col2im input gradient', () => {
  it('runs on this platform (WebAssembly SIMD on the wasm backend memory)', () => {
    expect(col2imSimd(tf.backend())).toBeTypeOf('function');
  });

  it.each([0, 1, 2])(
    'col2im (rowSpans %i) zeroes dx itself: over a dx buffer of NaN it sums cols as a hand loop does',
    async (rowSpans) => {
      // 3x3, stride 2, pad 1 (top and left): x [2, 9, 8, 5] (a vector and a scalar tail), dy 5 x 4.
      const [n, inH, inW, cin, fh, fw, oh, ow] = [2, 9, 8, 5, 3, 3, 5, 4];
      const colValues = randn(n * oh * ow * fh * fw * cin, 31);
      const reference = new Float32Array(n * inH * inW * cin);
      for (let b = 0; b < n; b++) {
        for (let oy = 0; oy < oh; oy++) {
          for (let ox = 0; ox < ow; ox++) {
            for (let i = 0; i < fh; i++) {
              for (let j = 0; j < fw; j++) {
                const [h, w] = [oy * 2 - 1 + i, ox * 2 - 1 + j];
                if (h < 0 || h >= inH || w < 0 || w >= inW) continue;
                for (let c = 0; c < cin; c++) {
                  reference[((b * inH + h) * inW + w) * cin + c]! +=
                    colValues[((((b * oh + oy) * ow + ox) * fh + i) * fw + j) * cin + c]!;
                }
              }
            }
          }
        }
      }
      const col2im = col2imSimd(tf.backend())!;
      const before = tf.memory().numTensors;
      const cols = tf.tensor(colValues, [n * oh * ow, fh * fw * cin]);
      const dx = tf.fill([n, inH, inW, cin], Number.NaN);
      const at = (t: tf.Tensor) => heapOffset(tf.backend(), t.dataId);
      col2im(at(cols), at(dx), n, oh, ow, fh, fw, cin, inH, inW, 2, 2, 1, 1, 1, 1, rowSpans);
      expectCloseToReference(await dx.data(), reference);
      tf.dispose([cols, dx]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('is chosen where the transposed conv does extra work, not where it does the same', () => {
    const choose = (x: number[], filter: number[], strides: number, pad: 'same' | 'valid') => {
      const info = backend_util.computeConv2DInfo(
        x as [number, number, number, number],
        filter as [number, number, number, number],
        strides,
        1,
        pad,
      );
      return chooseInputGradPath(info.outShape, filter, ...convAxes(info));
    };
    // The demo CNN: conv2 ('valid', 16 -> 32) by matmul; conv1 (1 -> 16) by depthwise conv.
    expect(choose([32, 13, 13, 16], [3, 3, 16, 32], 1, 'valid')).toBe('gemm');
    expect(choose([32, 28, 28, 1], [3, 3, 1, 16], 1, 'valid')).toBe('conv');
    expect(choose([16, 32, 32, 3], [3, 3, 3, 32], 1, 'same')).toBe('gemm');
    expect(choose([16, 32, 32, 32], [3, 3, 32, 64], 2, 'same')).toBe('gemm');
    expect(choose([32, 13, 13, 16], [3, 3, 16, 32], 1, 'same')).toBe('conv');
    expect(choose([16, 28, 28, 8], [3, 3, 8, 8], 2, 'valid')).toBe('conv');
  });
});

/**
 * First-layer shapes (few input channels) where whole filter rows fall inside the input and
 * col2im adds them as contiguous spans, plus rows cut by the border (tap by tap), span lengths
 * with and without a scalar tail, and dilation 2 (never spans).
 */
const firstLayerCases = [
  convCase(
    '7x7 stride 2 pad 3, 3 -> 16 (ResNet stem)',
    [2, 20, 18, 3],
    [7, 7, 3, 16],
    [2, 2],
    [
      [0, 0],
      [3, 3],
      [3, 3],
      [0, 0],
    ],
  ),
  convCase(
    '3x3 stride 2 same, 3 -> 16 (MobileNetV2 stem)',
    [1, 17, 16, 3],
    [3, 3, 3, 16],
    [2, 2],
    'same',
  ),
  convCase('5x4 stride 1 valid, 4 -> 16', [2, 9, 10, 4], [5, 4, 4, 16], [1, 1], 'valid'),
  convCase('3x5 strides [1, 3] same, 1 -> 16', [1, 8, 13, 1], [3, 5, 1, 16], [1, 3], 'same'),
  convCase('2x3 stride 2 pad 1, 5 -> 16', [1, 9, 11, 5], [2, 3, 5, 16], [2, 2], 1),
  convCase('3x3 dilation 2 same, 3 -> 16', [1, 11, 12, 3], [3, 3, 3, 16], [1, 1], 'same', [2, 2]),
];

describe.each([undefined, 'rows', 'taps'] as const)(
  'the matmul + col2im input gradient, col2im %s',
  (force) => {
    beforeAll(() => {
      inputGradPath.force = 'gemm';
      col2imPath.force = force;
    });
    afterAll(() => {
      inputGradPath.force = undefined;
      col2imPath.force = undefined;
    });

    it.each(firstLayerCases)('$name: matches the cpu backend', async (c) => {
      await expectBackpropMatchesCpu(KERNEL, c, [9, 10]);
    });

    it('leaks no tensors and no wasm buffers', async () => {
      await expectBackpropFreesEverything(KERNEL, firstLayerCases[0]!, [11, 12]);
    });
  },
);
