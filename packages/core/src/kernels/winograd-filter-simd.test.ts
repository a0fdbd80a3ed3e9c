import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import {
  clearDerivedWeightCache,
  derivedWeightCacheSize,
  markWeightData,
} from './derived-weight-cache.js';
import { backendDataIds, expectCloseToReference, randn, runOn } from './test-kernel-helpers.js';
import { WasmKernelScope } from './wasm-kernel-scope.js';
import { heapOffset } from './wasm-simd-module.js';
import { winogradFilter } from './winograd-conv.js';
import { winogradConvPath } from './winograd-conv-wasm.js';
import { filterMapKernel, winogradFilterMap } from './winograd-filter-simd.js';
import { F2, F4 } from './winograd-simd.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

// G of F(2x2,3x3) and F(4x4,3x3) as in Lavin and Gray (2015), written out here independently of
// the tiles the code uses.
const G2 = [
  [1, 0, 0],
  [1 / 2, 1 / 2, 1 / 2],
  [1 / 2, -1 / 2, 1 / 2],
  [0, 0, 1],
];
const G4 = [
  [1 / 4, 0, 0],
  [-1 / 6, -1 / 6, -1 / 6],
  [-1 / 6, 1 / 6, -1 / 6],
  [1 / 24, 1 / 12, 1 / 6],
  [1 / 24, -1 / 12, 1 / 6],
  [0, 0, 1],
];

/**
 * Float64 G g G^T of the `[3, 3, c, k]` filter `w`: plane xi * t + nu, `[c, k]`; with
 * `flipSwap`, that of the filter rotated by 180 degrees with its channels swapped (`[k, c]`).
 */
function reference(w: Float32Array, c: number, k: number, g: number[][], flipSwap = false) {
  const t = g.length;
  const planes: Float64Array[] = [];
  for (let xi = 0; xi < t; xi++) {
    for (let nu = 0; nu < t; nu++) {
      const u = new Float64Array(c * k);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          const coef = g[xi]![i]! * g[nu]![j]!;
          const tap = flipSwap ? (2 - i) * 3 + (2 - j) : i * 3 + j;
          for (let p = 0; p < c; p++) {
            for (let q = 0; q < k; q++) {
              const v = coef * w[(tap * c + p) * k + q]!;
              u[flipSwap ? q * c + p : p * k + q]! += v;
            }
          }
        }
      }
      planes.push(u);
    }
  }
  return planes;
}

/** Max |actual - expected| over every plane, as a fraction of max |filter|. */
function maxError(actual: ArrayLike<number>[], expected: Float64Array[], w: Float32Array) {
  let scale = 0;
  for (const v of w) scale = Math.max(scale, Math.abs(v));
  let error = 0;
  expected.forEach((e, a) => {
    expect(actual[a]!.length).toBe(e.length);
    for (let i = 0; i < e.length; i++) error = Math.max(error, Math.abs(actual[a]![i]! - e[i]!));
  });
  return error / scale;
}

const tiles = [
  ['F(2x2,3x3)', F2, G2],
  ['F(4x4,3x3)', F4, G4],
] as const;

describe('the SIMD Winograd filter transform', () => {
  it('puts a centre tap at G[:, 1] G[:, 1]^T (worked by hand for F(2x2,3x3))', () => {
    // g = 1 at the centre, 0 elsewhere, for every channel pair: U[xi][nu] = G[xi][1] * G[nu][1],
    // which for G2's middle column (0, 1/2, -1/2, 0) is +-1/4 inside and 0 on the border.
    const w = new Float32Array(9 * 16);
    w.fill(1, 4 * 16, 5 * 16);
    const filter = tf.tensor4d(w, [3, 3, 4, 4]);
    const s = new WasmKernelScope(tf.backend());
    const u = winogradFilter(s, filter, F2)!;
    const firsts = u.map((p) => s.heap(p)[0]);
    expect(firsts).toEqual([0, 0, 0, 0, 0, 0.25, -0.25, 0, 0, -0.25, 0.25, 0, 0, 0, 0, 0]);
    expect(u.every((p) => s.heap(p).every((v) => v === s.heap(p)[0]))).toBe(true);
    s.dispose();
    filter.dispose();
  });

  for (const [name, tile, g] of tiles) {
    it.each([
      [4, 4],
      [12, 20],
      [8, 4],
      [3, 4], // odd in channels: the plane (c * k) is still a whole number of vectors
      [6, 2],
    ])(`${name}: [3, 3, %i, %i] matches a float64 G g G^T`, (c, k) => {
      const w = randn(9 * c * k, c * 100 + k);
      const filter = tf.tensor4d(w, [3, 3, c, k]);
      const s = new WasmKernelScope(tf.backend());
      const map = filterMapKernel(s.backend, {
        ...winogradFilterMap(tile),
        a: c,
        b: k,
        swap: false,
      })!;
      const planes = Array.from({ length: tile.t * tile.t }, () => s.make([1, c, k], 'float32'));
      const at = (info: tf.TensorInfo) => heapOffset(s.backend, info.dataId);
      map(at(s.int32(planes.map(at))), at(filter));
      const error = maxError(
        planes.map((p) => s.heap(p)),
        reference(w, c, k, g),
        w,
      );
      expect(error).toBeLessThan(1e-6);
      s.dispose();
      filter.dispose();
    });

    it.each([
      [4, 8],
      [12, 4],
      [8, 8],
    ])(
      `${name}: the flipped, channel-swapped [3, 3, %i, %i] filter's transform in the same pass`,
      (c, k) => {
        const w = randn(9 * c * k, c + k);
        const filter = tf.tensor4d(w, [3, 3, c, k]);
        const s = new WasmKernelScope(tf.backend());
        const map = filterMapKernel(s.backend, {
          ...winogradFilterMap(tile, true),
          a: c,
          b: k,
          swap: true,
        })!;
        const planes = Array.from({ length: tile.t * tile.t }, () => s.make([1, k, c], 'float32'));
        const at = (info: tf.TensorInfo) => heapOffset(s.backend, info.dataId);
        map(at(s.int32(planes.map(at))), at(filter));
        const error = maxError(
          planes.map((p) => s.heap(p)),
          reference(w, c, k, g, true),
          w,
        );
        expect(error).toBeLessThan(1e-6);
        s.dispose();
        filter.dispose();
      },
    );
  }

  it('winogradFilter gives one [1, c, k] tensor per transform point and frees them with its scope', () => {
    const [c, k] = [8, 12];
    const w = randn(9 * c * k, 3);
    const filter = tf.tensor4d(w, [3, 3, c, k]);
    const tensors = tf.memory().numTensors;
    const ids = backendDataIds();
    const s = new WasmKernelScope(tf.backend());
    const u = winogradFilter(s, filter, F4)!;
    expect(u.map((p) => p.shape)).toEqual(Array.from({ length: 36 }, () => [1, c, k]));
    expect(new Set(u.map((p) => p.dataId)).size).toBe(36);
    expect(
      maxError(
        u.map((p) => s.heap(p)),
        reference(w, c, k, G4),
        w,
      ),
    ).toBeLessThan(1e-6);
    s.dispose();
    expect(backendDataIds()).toBe(ids);
    expect(tf.memory().numTensors).toBe(tensors);
    filter.dispose();
  });

  it("keeps a declared weight's planes across calls (same data ids, filled once) until the cache is cleared", () => {
    clearDerivedWeightCache();
    const [c, k] = [4, 8];
    const w = randn(9 * c * k, 5);
    const filter = tf.tensor4d(w, [3, 3, c, k]);
    markWeightData(filter.dataId);
    const ids = backendDataIds();
    const s = new WasmKernelScope(tf.backend());
    const first = winogradFilter(s, filter, F2)!;
    expect(
      maxError(
        first.map((p) => s.heap(p)),
        reference(w, c, k, G2),
        w,
      ),
    ).toBeLessThan(1e-6);
    // Scribble on a kept plane: a second call must serve the same tensors, not recompute them.
    s.heap(first[5]!)[0] = 42;
    const second = winogradFilter(s, filter, F2)!;
    expect(second.map((p) => p.dataId)).toEqual(first.map((p) => p.dataId));
    expect(s.heap(second[5]!)[0]).toBe(42);
    s.dispose();
    expect(derivedWeightCacheSize()).toBe(16);
    clearDerivedWeightCache();
    expect(backendDataIds()).toBe(ids);
    filter.dispose();
  });

  it("fuses the stride-1 input gradient's flip into the transform: cpu's dx, and no flipped filter kept", async () => {
    clearDerivedWeightCache();
    winogradConvPath.force = 'winograd';
    try {
      const [c, k] = [8, 12];
      const x = [2, 8, 8, c];
      const dyValues = randn(2 * 8 * 8 * k, 8);
      const wValues = randn(9 * c * k, 9);
      const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', inputShape: x };
      const dx = () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropInput',
            { dy: tf.tensor4d(dyValues, [2, 8, 8, k]), filter: tf.tensor4d(wValues, [3, 3, c, k]) },
            attrs,
          ) as tf.Tensor;
      const reference = await runOn('cpu', dx);
      const calls = winogradConvPath.calls;
      const filter = tf.tensor4d(wValues, [3, 3, c, k]);
      markWeightData(filter.dataId);
      const dy = tf.tensor4d(dyValues, [2, 8, 8, k]);
      const tensors = tf.memory().numTensors;
      const out = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs) as tf.Tensor;
      expectCloseToReference(await out.data(), reference);
      expect(winogradConvPath.calls - calls).toBe(1);
      // The 36 F(4x4,3x3) planes (F4H, the input gradient's default tile where its sides are
      // multiples of 4) of the flipped filter, and no 'flip-swap' entry.
      expect(derivedWeightCacheSize()).toBe(36);
      out.dispose();
      expect(tf.memory().numTensors).toBe(tensors);
      tf.dispose([dy, filter]);
      expect(derivedWeightCacheSize()).toBe(0);
    } finally {
      winogradConvPath.force = undefined;
      clearDerivedWeightCache();
    }
  });

  it("gives back a kept weight's plane bytes once XNNPACK has packed them; later convs still give cpu's numbers", async () => {
    clearDerivedWeightCache();
    winogradConvPath.force = 'winograd';
    try {
      const [c, k] = [8, 12];
      const xValues = randn(2 * 6 * 5 * c, 10);
      const wValues = randn(9 * c * k, 11);
      const conv = () =>
        tf.conv2d(
          tf.tensor4d(xValues, [2, 6, 5, c]),
          tf.tensor4d(wValues, [3, 3, c, k]),
          1,
          'same',
        );
      const reference = await runOn('cpu', conv);
      const ids = backendDataIds();
      const x = tf.tensor4d(xValues, [2, 6, 5, c]);
      const filter = tf.tensor4d(wValues, [3, 3, c, k]);
      markWeightData(filter.dataId);
      const s = new WasmKernelScope(tf.backend());
      const planes = winogradFilter(s, filter, F2)!; // made and kept, not yet a matmul's b
      const at = (t: tf.TensorInfo) => heapOffset(s.backend, t.dataId);
      const offsets = planes.map(at);
      expect(offsets.every((o) => o > 0)).toBe(true);
      const first = tf.conv2d(x, filter, 1, 'same'); // packs them, then gives their bytes back
      expectCloseToReference(await first.data(), reference);
      expect(planes.map(at)).toEqual(planes.map(() => 0));
      s.dispose();
      // New data where the planes were must not matter: the packed operators are cached.
      const scribbles = planes.map(() => tf.fill([1, c, k], Number.NaN));
      const bytes = c * k * 4;
      const overlaps = (t: tf.Tensor) =>
        offsets.some((o) => at(t) < o + bytes && at(t) + bytes > o);
      expect(scribbles.some(overlaps)).toBe(true);
      const second = tf.conv2d(x, filter, 1, 'same');
      expectCloseToReference(await second.data(), reference);
      // Another batch (other matmul row counts) reuses the same operators too.
      const x3 = tf.tidy(() => tf.concat([x, tf.slice(x, [0, 0, 0, 0], [1, 6, 5, c])]));
      const third = tf.conv2d(x3 as tf.Tensor4D, filter, 1, 'same');
      const thirdValues = await third.data();
      expectCloseToReference(thirdValues.subarray(0, reference.length), reference);
      tf.dispose([first, second, third, x3, x, filter, ...scribbles]);
      clearDerivedWeightCache();
      expect(backendDataIds()).toBe(ids);
    } finally {
      winogradConvPath.force = undefined;
      clearDerivedWeightCache();
    }
  });

  it('refuses channel counts that do not fill its vectors, saying what to use instead', () => {
    const backend = tf.backend();
    const map = winogradFilterMap(F2);
    expect(() => filterMapKernel(backend, { ...map, a: 6, b: 4, swap: true })).toThrow(InterpError);
    expect(() => filterMapKernel(backend, { ...map, a: 3, b: 3, swap: false })).toThrow(
      /in x out channels a multiple of 4, got 3 x 3; use a scalar loop/,
    );
    expect(() =>
      filterMapKernel(backend, { rows: [], cols: [[1]], a: 4, b: 4, swap: false }),
    ).toThrow(/non-empty rows and cols/);
  });
});
