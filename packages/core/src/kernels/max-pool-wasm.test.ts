import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { createRng } from '../random.js';
import { maxPoolWasm } from './max-pool-wasm.js';
import {
  expectFreesEverything,
  type PoolCase,
  poolCases,
  randomTensor,
} from './test-kernel-cases.js';
import { randn, runOn } from './test-kernel-helpers.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const pool = (x: tf.Tensor, c: PoolCase) =>
  tf.maxPool(x as tf.Tensor4D, c.filterSize, c.strides, c.pad);

/** Seeded random pools: batch 1-3, sizes 1-9 (odd included), 1-9 channels, filters 1-3, strides 1-2. */
function randomPoolCases(n: number, seed: number): PoolCase[] {
  const rng = createRng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rng.random() * (hi - lo + 1));
  return Array.from({ length: n }, (_, i) => {
    const filterSize: [number, number] = [int(1, 3), int(1, 3)];
    const pad = rng.random() < 0.5 ? 'same' : 'valid';
    const x: PoolCase['x'] = [
      int(1, 3),
      int(pad === 'valid' ? filterSize[0] : 1, 9),
      int(pad === 'valid' ? filterSize[1] : 1, 9),
      [1, 2, 3, 4, 5, 8, 9][int(0, 6)]!,
    ];
    const strides: [number, number] = [int(1, 2), int(1, 2)];
    return {
      name: `random ${i}: x [${x}] pool [${filterSize}] strides [${strides}] ${pad}`,
      x,
      filterSize,
      strides,
      pad,
    };
  });
}

/**
 * The expected pool of `values` (about 1 in 12 NaN): NaN where the window holds a NaN (found by
 * pooling the 0/1 NaN indicator on cpu), else the cpu backend's maximum.
 */
async function expected(values: Float32Array, c: PoolCase): Promise<Float32Array> {
  const cpu = await runOn('cpu', () => pool(tf.tensor(values, c.x), c));
  const nan = await runOn('cpu', () =>
    pool(
      tf.tensor(
        values.map((v) => (Number.isNaN(v) ? 1 : 0)),
        c.x,
      ),
      c,
    ),
  );
  const want = cpu.map((v, i) => (nan[i] === 1 ? Number.NaN : v));
  return Object.assign(want, { shape: (cpu as unknown as { shape: number[] }).shape });
}

function withNaNs(n: number, seed: number): Float32Array {
  const rng = createRng(seed + 1000);
  return randn(n, seed).map((v) => (rng.random() < 1 / 12 ? Number.NaN : v));
}

describe('maxPoolWasm', () => {
  it('is the registered wasm MaxPool after setupBackend', () => {
    expect(tf.getKernel('MaxPool', 'wasm')).toBe(maxPoolWasm);
  });

  it.each([...poolCases, ...randomPoolCases(24, 7)])(
    '$name: equals the cpu backend, and NaN wherever a window holds a NaN',
    async (c) => {
      const n = tf.util.sizeFromShape(c.x);
      for (const [k, values] of [randn(n, 71), withNaNs(n, 72)].entries()) {
        const ours = await runOn('wasm', () => pool(tf.tensor(values, c.x), c));
        const want = await expected(values, c);
        expect((ours as unknown as { shape: number[] }).shape).toEqual(
          (want as unknown as { shape: number[] }).shape,
        );
        // Exact: a maximum is one of the inputs. toEqual treats NaN as equal to NaN.
        expect(Array.from(ours), k === 0 ? 'no NaN' : 'with NaN').toEqual(Array.from(want));
      }
    },
  );

  it.each([
    [
      [2, 9, 9, 3],
      3,
      2,
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
    ],
    [
      [1, 7, 6, 8],
      2,
      2,
      [
        [0, 0],
        [0, 1],
        [1, 0],
        [0, 0],
      ],
    ],
    [
      [3, 5, 8, 2],
      3,
      1,
      [
        [0, 0],
        [2, 0],
        [0, 2],
        [0, 0],
      ],
    ],
  ] as const)(
    'explicit pads, x [%s]: equals the cpu backend, NaN where a window holds one',
    async (shape, size, stride, pads) => {
      const c: PoolCase = {
        name: '',
        x: [...shape],
        filterSize: [size, size],
        strides: [stride, stride],
        pad: 'valid',
      };
      const explicit = (x: tf.Tensor) =>
        tf.maxPool(
          x as tf.Tensor4D,
          size,
          stride,
          pads as unknown as tf.backend_util.ExplicitPadding,
        );
      const n = tf.util.sizeFromShape(c.x);
      for (const values of [randn(n, 74), withNaNs(n, 75)]) {
        const ours = await runOn('wasm', () => explicit(tf.tensor(values, c.x)));
        const cpu = await runOn('cpu', () => explicit(tf.tensor(values, c.x)));
        const nan = await runOn('cpu', () =>
          explicit(
            tf.tensor(
              values.map((v) => (Number.isNaN(v) ? 1 : 0)),
              c.x,
            ),
          ),
        );
        expect(Array.from(ours)).toEqual(
          Array.from(cpu, (v, i) => (nan[i] === 1 ? Number.NaN : v)),
        );
      }
    },
  );

  it('gives NaN for a window with a NaN where the built-in kernel gave -Infinity', async () => {
    // Windows {NaN, 1, 4, NaN}, {2, 3, 5, 6}, {1, 2, 0, 0}, {3, NaN, 0, 0}.
    const x = tf.tensor4d([NaN, 1, 2, 3, 4, NaN, 5, 6, 1, 2, 3, NaN, 0, 0, 0, 0], [1, 4, 4, 1]);
    const y = tf.maxPool(x, 2, 2, 'valid');
    expect(Array.from(await y.data())).toEqual([NaN, 6, 2, NaN]);
    // SIMD path (4 channels): NaN in one lane only.
    const x4 = tf.tensor4d([1, 2, 3, 4, 5, NaN, 7, 8, 0, 0, 0, 0, 0, 0, 0, -1], [1, 2, 2, 4]);
    const y4 = tf.maxPool(x4, 2, 2, 'valid');
    expect(Array.from(await y4.data())).toEqual([5, NaN, 7, 8]);
    tf.dispose([x, y, x4, y4]);
  });

  it('finds a single NaN at any position (SIMD scan body and scalar tail)', async () => {
    // 27 values: six 4-lane groups and a 3-value tail; one 3x3 window per channel.
    for (let p = 0; p < 27; p++) {
      const values = Float32Array.from({ length: 27 }, (_, i) => (i === p ? Number.NaN : i));
      const y = tf.maxPool(tf.tensor4d(values, [1, 3, 3, 3]), 3, 1, 'valid');
      const want = [24, 25, 26].map((v, k) => (k === p % 3 ? Number.NaN : v));
      expect(Array.from(await y.data()), `NaN at ${p}`).toEqual(want);
      y.dispose();
    }
  });

  it('leaks no tensors and no wasm buffers (XNNPACK, SIMD and JS paths)', async () => {
    for (const c of [poolCases[2]!, poolCases[4]!]) {
      for (const nan of [false, true]) {
        const x = nan
          ? tf.tensor(withNaNs(tf.util.sizeFromShape(c.x), 73), c.x)
          : randomTensor(c.x, 73);
        await expectFreesEverything([x], () => pool(x, c));
      }
    }
  });
});

describe('maxPoolGradWasm with NaN (consistent with maxPoolWasm)', () => {
  it('routes the gradient to the first NaN of a window, on every path', async () => {
    const grad = (x: tf.Tensor4D, size: number, stride: number, pad: 'valid' | 'same') =>
      tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, size, stride, pad)))(x);
    // 2x2 stride 2, one channel (JS pairs path): window {1, NaN, 3, NaN} -> index 1.
    const x1 = tf.tensor4d([1, NaN, 3, NaN], [1, 2, 2, 1]);
    const g1 = grad(x1, 2, 2, 'valid');
    expect(Array.from(await g1.data())).toEqual([0, 1, 0, 0]);
    // 4 channels (SIMD path): channel 0 NaN at position 2, channel 1 none, channel 2 NaN at 0 and 3.
    const x4 = tf.tensor4d([1, 1, NaN, 0, 2, 3, 9, 0, NaN, 2, 5, 0, 9, 0, NaN, 1], [1, 2, 2, 4]);
    const g4 = grad(x4, 2, 2, 'valid');
    expect(Array.from(await g4.data())).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]);
    // 3x3 stride 1 same (general path): every window of a 3x3 input holds the centre NaN.
    const x3 = tf.tensor4d([9, 9, 9, 9, NaN, 9, 9, 9, 9], [1, 3, 3, 1]);
    const g3 = grad(x3, 3, 1, 'same');
    expect(Array.from(await g3.data())).toEqual([0, 0, 0, 0, 9, 0, 0, 0, 0]);
    tf.dispose([x1, g1, x4, g4, x3, g3]);
  });
});
