import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { InterpError } from '../errors.js';
import { depthwiseConv2dNativeBackpropInputWasm } from './depthwise-conv2d-native-backprop-input-wasm.js';
import { depthwiseInputGradSimd, GEOMETRY } from './depthwise-input-grad-simd.js';
import { parallelKernels } from './parallel-kernel.js';
import { convBackpropSuite } from './test-conv-backprop-suite.js';
import { asDepthwise, convBackprop, convCase, convCases } from './test-kernel-cases.js';
import { expectCloseToReference, randn, runOn } from './test-kernel-helpers.js';
import { heapOffset } from './wasm-simd-module.js';

const KERNEL = 'DepthwiseConv2dNativeBackpropInput';

/** Strided with multiplier 1 (the SIMD scatter): vector-only, vector + tail and tail-only channels. */
const stridedMultiplierOne = [
  convCase('3x3 stride 2 same, 6 channels', [2, 9, 8, 6], [3, 3, 6, 1], [2, 2], 'same'),
  convCase('3x3 stride 2 numeric pad 1, 8 channels', [2, 7, 6, 8], [3, 3, 8, 1], [2, 2], 1),
  // Vectors in pairs, one left over, then a scalar tail.
  convCase('3x3 stride 2 same, 14 channels', [2, 9, 8, 14], [3, 3, 14, 1], [2, 2], 'same'),
  convCase('5x5 strides [2, 3] valid, 3 channels', [2, 11, 12, 3], [5, 5, 3, 1], [2, 3], 'valid'),
  // Rows and columns no tap reaches (between taps and below the last): zeros.
  convCase('1x1 stride 3 valid, 5 channels', [2, 8, 7, 5], [1, 1, 5, 1], [3, 3], 'valid'),
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

/** {@link GEOMETRY} of a 3x3 stride-2 pad-1 depthwise conv of 2 x 7 x 6 x 10 (dy 2 x 4 x 3 x 10). */
const GEOMETRY_VALUES = [2, 4, 3, 3, 3, 10, 7, 6, 2, 2, 1, 1, 1, 1];

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
    // 3x3, stride 2, pad 1: x [2, 7, 6, 10] (two vectors and a scalar tail), dy [2, 4, 3, 10];
    // 1x1, stride 3: x [2, 8, 7, 5], dy [2, 3, 3, 5], rows between the taps and below them.
    const geometries = [
      { x: [2, 7, 6, 10], f: [3, 3, 10, 1], dy: [2, 4, 3, 10], s: 2, pad: 1, g: GEOMETRY_VALUES },
      {
        x: [2, 8, 7, 5],
        f: [1, 1, 5, 1],
        dy: [2, 3, 3, 5],
        s: 3,
        pad: 0,
        g: [2, 3, 3, 1, 1, 5, 8, 7, 3, 3, 1, 1, 0, 0],
      },
    ];
    for (const { x: inputShape, f: filterShape, dy: dyShape, s, pad, g } of geometries) {
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
              { strides: [s, s], pad, dilations: [1, 1], inputShape },
            ) as tf.Tensor,
      );
      const simd = depthwiseInputGradSimd(tf.backend());
      expect(simd).toBeTypeOf('function');
      const before = tf.memory().numTensors;
      const dy = tf.tensor(dyValues, dyShape);
      const w = tf.tensor(wValues, filterShape);
      const dx = tf.fill(inputShape, Number.NaN);
      const geometry = tf.tensor1d(g, 'int32');
      const at = (t: tf.Tensor) => heapOffset(tf.backend(), t.dataId);
      simd!([at(dy), at(w), at(dx), at(geometry)], 2, 4 * (dy.size + dx.size));
      expectCloseToReference(await dx.data(), reference);
      tf.dispose([dy, w, dx, geometry]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it.runIf(availableParallelism() >= 2)(
    'split by image across the main thread and the helper worker: the one-thread pass bit for bit',
    async () => {
      // The case above with 6 images, in a shared memory of its own (the threaded build's kind).
      const [n, dySize, xSize] = [6, 4 * 3 * 10, 7 * 6 * 10];
      const dyValues = randn(n * dySize, 23);
      const wValues = randn(90, 24);
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
      const f32 = (at: number, length: number) => new Float32Array(memory.buffer, at, length);
      const [dyAt, wAt, dxAt, geometryAt] = [0, 4 * n * dySize, 4 * (n * dySize + 90), 16384];
      f32(dyAt, n * dySize).set(dyValues);
      f32(wAt, 90).set(wValues);
      new Int32Array(memory.buffer, geometryAt, GEOMETRY.length).set([
        n,
        ...GEOMETRY_VALUES.slice(1),
      ]);
      const run = depthwiseInputGradSimd({ wasm: { wasmMemory: memory } })!;
      const args = [dyAt, wAt, dxAt, geometryAt];
      const saved = { ...parallelKernels };
      try {
        parallelKernels.enabled = false;
        f32(dxAt, n * xSize).fill(Number.NaN);
        run(args, n, 0);
        const whole = Float32Array.from(f32(dxAt, n * xSize));
        parallelKernels.enabled = true;
        parallelKernels.minBytes = 0;
        parallelKernels.helperFirst = true;
        const helperChunks = parallelKernels.helperChunks;
        f32(dxAt, n * xSize).fill(Number.NaN);
        run(args, n, 0);
        expect(parallelKernels.helperChunks - helperChunks).toBeGreaterThan(0);
        expect(Array.from(f32(dxAt, n * xSize))).toEqual(Array.from(whole));
        const reference = await runOn(
          'cpu',
          () =>
            tf.engine().runKernel(
              KERNEL,
              {
                dy: tf.tensor(dyValues, [n, 4, 3, 10]),
                filter: tf.tensor(wValues, [3, 3, 10, 1]),
              },
              { strides: [2, 2], pad: 1, dilations: [1, 1], inputShape: [n, 7, 6, 10] },
            ) as tf.Tensor,
        );
        expectCloseToReference(whole, reference);
      } finally {
        parallelKernels.enabled = saved.enabled;
        parallelKernels.minBytes = saved.minBytes;
        parallelKernels.helperFirst = saved.helperFirst;
      }
    },
    30_000,
  );

  it('rejects a dy of the wrong shape with an InterpError', () => {
    const c = cases[0]!;
    const w = tf.zeros(c.filter);
    const dy = tf.zeros([2, 7, 5, 3]);
    expect(() => convBackprop(KERNEL, [dy, w], c)).toThrow(InterpError);
    expect(() => convBackprop(KERNEL, [dy, w], c)).toThrow(/gives \[2,7,5,12\]/);
    tf.dispose([w, dy]);
  });
});
