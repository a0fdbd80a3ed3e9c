import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { backendDataIds, randn } from './test-kernel-helpers.js';
import { WasmKernelScope, withWasmScope } from './wasm-kernel-scope.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('WasmKernelScope', () => {
  it('frees its intermediates, also when the body throws', () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const before = backendDataIds();
    expect(() =>
      withWasmScope(tf.backend(), (s) => {
        s.run('Transpose', { x }, { perm: [0, 2, 1, 3] });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(backendDataIds()).toBe(before);
    x.dispose();
  });

  it('keep() hands over the result; transpose of size-1 dims is a view; crop4d, spread4d and flipFilter move data', async () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
    const s = new WasmKernelScope(tf.backend());
    expect(s.transpose(x, [3, 1, 2, 0]).dataId).toBe(x.dataId);
    const cropped = s.crop4d(x, [1, 1], [1, 2]);
    expect(Array.from(s.heap(cropped))).toEqual([5, 6]);
    const spread = s.spread4d(s.view(x, [1, 2, 3, 1]), [2, 1]);
    expect(spread.shape).toEqual([1, 4, 3, 1]);
    const filter = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 1, 2, 2]);
    // Rows swap places (180 degrees in a 2x1 filter); with swap, each 2x2 [in, out] block transposes.
    expect(Array.from(s.heap(s.flipFilter(filter, false)))).toEqual([5, 6, 7, 8, 1, 2, 3, 4]);
    expect(Array.from(s.heap(s.flipFilter(filter, true)))).toEqual([5, 7, 6, 8, 1, 3, 2, 4]);
    filter.dispose();
    const kept = s.keep(s.run('Identity', { x: spread }));
    s.dispose();
    const t = tf.engine().makeTensorFromTensorInfo(kept);
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 0, 0, 0, 4, 5, 6, 0, 0, 0]);
    tf.dispose([t, x]);
  });

  it.each([
    [2, 3, 4, 8],
    [3, 3, 12, 4],
    [1, 1, 4, 4],
    [3, 1, 5, 4], // 5 input channels: the JS loop
  ])(
    'flipFilter with swap of a [%i, %i, %i, %i] filter (SIMD for channels in 4s)',
    (fh, fw, a, b) => {
      const filter = tf.tensor4d(randn(fh * fw * a * b, fh + a), [fh, fw, a, b]);
      const src = filter.dataSync();
      const before = backendDataIds();
      const s = new WasmKernelScope(tf.backend());
      const out = s.flipFilter(filter, true);
      expect(out.shape).toEqual([fh, fw, b, a]);
      const got = s.heap(out);
      const expected = new Float32Array(got.length);
      for (let i = 0; i < fh; i++)
        for (let j = 0; j < fw; j++)
          for (let p = 0; p < a; p++)
            for (let q = 0; q < b; q++)
              expected[((i * fw + j) * b + q) * a + p] =
                src[(((fh - 1 - i) * fw + (fw - 1 - j)) * a + p) * b + q]!;
      expect(Array.from(got)).toEqual(Array.from(expected));
      s.dispose();
      expect(backendDataIds()).toBe(before);
      filter.dispose();
    },
  );
});
