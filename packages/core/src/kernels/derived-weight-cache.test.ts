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
} from './derived-weight-cache.js';
import { randomTensor } from './test-kernel-cases.js';
import { backendDataIds, expectCloseToReference, runOn } from './test-kernel-helpers.js';
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
