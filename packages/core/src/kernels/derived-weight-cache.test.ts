// derivedWeights keeps derived data per set of source data ids; entries die with their sources.
// Oracles: call counts of make(), the backend's data id count, and the cpu backend's
// Conv2DBackpropInput for a cached kernel whose filter variable is reassigned.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { expectNoLeakedTensors } from '../testing.js';
import {
  clearDerivedWeightCache,
  derivedWeightCacheSize,
  derivedWeights,
  isWeightData,
  markWeightData,
  releasePacked,
  releasePackedWeights,
} from './derived-weight-cache.js';
import { randomTensor } from './test-kernel-cases.js';
import { backendDataIds, expectCloseToReference, randn, runOn } from './test-kernel-helpers.js';
import type { WasmBackend } from './wasm-kernel-scope.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** A one-value copy of `t` on the wasm heap, counting calls. */
function maker(t: tf.Tensor, calls: { n: number }) {
  return () => {
    calls.n++;
    const backend = tf.backend() as unknown as WasmBackend;
    const info = backend.makeOutput([1], 'float32');
    backend.typedArrayFromHeap(info)[0] = t.dataSync()[0]!;
    return info;
  };
}

describe('derivedWeights(backend, sources, tag, make)', () => {
  it('computes once per sources and tag, frees an entry once a source is freed', () => {
    clearDerivedWeightCache();
    const a = tf.tensor1d([2]);
    const b = tf.tensor1d([3]);
    const calls = { n: 0 };
    const before = backendDataIds();
    const first = derivedWeights(tf.backend(), [a.dataId, b.dataId], 'x', maker(a, calls));
    expect(derivedWeights(tf.backend(), [a.dataId, b.dataId], 'x', maker(a, calls))).toBe(first);
    expect(calls.n).toBe(1);
    // Another tag or another source list is another entry.
    derivedWeights(tf.backend(), [a.dataId, b.dataId], 'y', maker(a, calls));
    derivedWeights(tf.backend(), [a.dataId], 'x', maker(a, calls));
    expect(calls.n).toBe(3);
    expect(derivedWeightCacheSize()).toBe(3);
    expect(backendDataIds()).toBe(before + 3);
    expect(isWeightData(first.dataId)).toBe(true);
    b.dispose();
    // The two entries computed from b are freed with b, the one from a alone is kept.
    expect(derivedWeightCacheSize()).toBe(1);
    expect(backendDataIds()).toBe(before - 1 + 1);
    clearDerivedWeightCache();
    expect(derivedWeightCacheSize()).toBe(0);
    expect(backendDataIds()).toBe(before - 1);
    a.dispose();
  });

  it("keeps a declared weight's flipped filter in Conv2DBackpropInput, and follows Variable.assign (cpu's numbers)", async () => {
    clearDerivedWeightCache();
    const initial = randomTensor([3, 3, 5, 4], 61);
    const filter = tf.variable(initial);
    initial.dispose(); // the variable alone holds its first data now
    markWeightData(filter.dataId);
    const dy = randomTensor([2, 6, 6, 4], 62);
    const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', inputShape: [2, 6, 6, 5] };
    const backprop = (f: tf.Tensor) => () =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, attrs) as tf.Tensor;
    const warm = backprop(filter)();
    warm.dispose();
    expect(derivedWeightCacheSize()).toBe(1);
    const dataIds = backendDataIds();
    await expectNoLeakedTensors(backprop(filter));
    expect(backendDataIds()).toBe(dataIds);
    // New values: a new data id, so the old flipped filter is not served (and is freed).
    const next = randomTensor([3, 3, 5, 4], 63);
    filter.assign(next);
    markWeightData(filter.dataId);
    const ours = await runOn('wasm', backprop(filter));
    const values = await filter.data();
    const reference = await runOn('cpu', () => {
      const [d, f] = [randomTensor([2, 6, 6, 4], 62), tf.tensor(values, filter.shape)];
      return tf.engine().runKernel('Conv2DBackpropInput', { dy: d, filter: f }, attrs) as tf.Tensor;
    });
    expectCloseToReference(ours, reference);
    expect(derivedWeightCacheSize()).toBe(1);
    tf.dispose([filter, next, dy]);
    expect(derivedWeightCacheSize()).toBe(0);
  });
});

/** Where `t`'s data sits on the wasm heap (0 once released). */
function offsetOf(t: tf.Tensor): number {
  const backend = tf.backend() as unknown as {
    dataIdMap: { get(dataId: object): { memoryOffset: number } };
  };
  return backend.dataIdMap.get(t.dataId).memoryOffset;
}

/**
 * Same-size tensors full of NaN, made until one overlaps the `bytes` freed at `offset` (at most
 * 64): the released bytes then hold garbage.
 */
function overwriteFreed(offset: number, shape: number[], bytes: number): tf.Tensor[] {
  const junk: tf.Tensor[] = [];
  const overlaps = (t: tf.Tensor) => offsetOf(t) < offset + bytes && offsetOf(t) + bytes > offset;
  while (junk.length < 64 && !junk.some(overlaps)) junk.push(tf.fill(shape, Number.NaN));
  expect(junk.some(overlaps)).toBe(true);
  return junk;
}

describe('releasePackedWeights(backend, infos)', () => {
  it("gives back a matmul b's bytes once XNNPACK packed it: later products still give cpu's numbers", async () => {
    const tensors = tf.memory().numTensors;
    const ids = backendDataIds();
    const [bValues, aValues] = [randn(24 * 20, 81), randn(7 * 24, 82)];
    // Live neighbours on both sides, so b's bytes are not merged into a larger free region.
    const guards = [tf.fill([24, 20], 1)];
    const b = tf.tensor3d(bValues, [1, 24, 20]);
    guards.push(tf.fill([24, 20], 1));
    const a = tf.tensor3d(aValues, [1, 7, 24]);
    tf.tidy(() => tf.matMul(tf.slice(a, [0, 0, 0], [1, 5, 24]), b)).dispose(); // packs b
    const offset = offsetOf(b);
    releasePackedWeights(tf.backend(), [b]);
    expect(offsetOf(b)).toBe(0);
    releasePackedWeights(tf.backend(), [b]); // again: a no-op
    const junk = overwriteFreed(offset, [24, 20], 24 * 20 * 4);
    const ours = await runOn('wasm', () => tf.matMul(a, b));
    const reference = await runOn('cpu', () =>
      tf.tidy(() => tf.matMul(tf.tensor3d(aValues, [1, 7, 24]), tf.tensor3d(bValues, [1, 24, 20]))),
    );
    expectCloseToReference(ours, reference);
    tf.dispose([...junk, ...guards, a, b]);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(backendDataIds()).toBe(ids);
  });

  it('keeps the bytes when releasePacked.enabled is false, and skips data the backend no longer holds', () => {
    const b = tf.tensor3d(randn(8 * 4, 83), [1, 8, 4]);
    const offset = offsetOf(b);
    releasePacked.enabled = false;
    try {
      releasePackedWeights(tf.backend(), [b]);
    } finally {
      releasePacked.enabled = true;
    }
    expect(offsetOf(b)).toBe(offset);
    const gone = tf.tensor3d(randn(8 * 4, 84), [1, 8, 4]);
    gone.dispose();
    releasePackedWeights(tf.backend(), [gone]);
    const ids = backendDataIds();
    b.dispose();
    expect(backendDataIds()).toBe(ids - 1);
  });

  it("serves a declared weight's released gemm filter to later strided input gradients (cpu's dx)", async () => {
    clearDerivedWeightCache();
    const wValues = randn(3 * 3 * 8 * 16, 85);
    const filter = tf.tensor4d(wValues, [3, 3, 8, 16]);
    markWeightData(filter.dataId);
    const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC', inputShape: [2, 9, 9, 8] };
    const dx = (dy: tf.Tensor, f: tf.Tensor) => () =>
      tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: f }, attrs) as tf.Tensor;
    const tensors = tf.memory().numTensors;
    for (const seed of [86, 87]) {
      const dyValues = randn(2 * 5 * 5 * 16, seed);
      const dy = tf.tensor4d(dyValues, [2, 5, 5, 16]);
      const ours = await runOn('wasm', dx(dy, filter));
      // The second call's filter was released after the first: fill the freed heap with NaN.
      const junk = tf.fill([3 * 3 * 8 * 16 * 64], Number.NaN);
      const reference = await runOn('cpu', () =>
        tf.tidy(() =>
          dx(tf.tensor4d(dyValues, [2, 5, 5, 16]), tf.tensor4d(wValues, [3, 3, 8, 16]))(),
        ),
      );
      expectCloseToReference(ours, reference);
      tf.dispose([dy, junk]);
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(derivedWeightCacheSize()).toBe(1);
    filter.dispose();
    expect(derivedWeightCacheSize()).toBe(0);
  });
});
