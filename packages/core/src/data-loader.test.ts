import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from './backend.js';
import { arrayDataLoader, arrayDataLoaderDefaults, DataLoaders } from './data-loader.js';
import { InterpError } from './errors.js';
import { expectNoLeakedTensors } from './testing.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const x = { data: Float32Array.from({ length: 10 * 4 }, (_, i) => i), shape: [10, 2, 2] };
const y = { data: Int32Array.from({ length: 10 }, (_, i) => i % 3), shape: [10] };

describe('arrayDataLoader(x, y, options)', () => {
  it('batches by arrayDataLoaderDefaults.batchSize unless told otherwise', () => {
    expect(arrayDataLoader(x, y).batchSize).toBe(arrayDataLoaderDefaults.batchSize);
    expect(arrayDataLoader(x, y, { batchSize: 3 }).batchSize).toBe(3);
  });

  it('yields batches in order, the last one short', async () => {
    const dl = arrayDataLoader(x, y, { batchSize: 4 });
    const sizes: number[] = [];
    const firstItems: number[] = [];
    const labels: number[] = [];
    for await (const b of dl) {
      sizes.push(b.x.shape[0]!);
      firstItems.push((await b.x.data())[0]!);
      labels.push(...(await b.y.data()));
      expect(b.y.dtype).toBe('int32');
      b.x.dispose();
      b.y.dispose();
    }
    expect(sizes).toEqual([4, 4, 2]);
    expect(firstItems).toEqual([0, 16, 32]);
    expect(labels).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2, 0]);
  });

  it('shuffles with a seed: a permutation that is the same for the same seed', async () => {
    const order = async (seed: number) => {
      const out: number[] = [];
      for await (const b of arrayDataLoader(x, y, { batchSize: 3, shuffle: true, seed })) {
        out.push(...b.indices);
        const xs = await b.x.data();
        // x rows follow the indices
        for (let r = 0; r < b.indices.length; r++) expect(xs[r * 4]).toBe(b.indices[r]! * 4);
        b.x.dispose();
        b.y.dispose();
      }
      return out;
    };
    const a = await order(1);
    expect([...a].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await order(1)).toEqual(a);
    expect(await order(2)).not.toEqual(a);
  });

  it('works over tensors too (kept, not copied) and leaks nothing beyond the batches', async () => {
    const xt = tf.tensor(x.data, x.shape);
    const yt = tf.tensor(y.data, y.shape, 'int32');
    await expectNoLeakedTensors(async () => {
      const dl = arrayDataLoader(xt, yt, { batchSize: 4, shuffle: true, seed: 0 });
      for await (const b of dl) {
        b.x.dispose();
        b.y.dispose();
      }
      const item = await dl.decode(3);
      expect(item).toEqual({
        kind: 'image',
        data: Float32Array.from([12, 13, 14, 15]),
        shape: [2, 2, 1],
      });
      expect(Array.from((await dl.targets()).data)).toEqual(Array.from(y.data));
    });
    tf.dispose([xt, yt]);
  });

  it('decodes table rows when given column names, vectors otherwise', async () => {
    const t = { data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2] };
    const ty = { data: Int32Array.from([0, 1]), shape: [2] };
    expect(await arrayDataLoader(t, ty, { columns: ['a', 'b'] }).decode(1)).toEqual({
      kind: 'tabular',
      row: { a: 3, b: 4 },
    });
    expect(await arrayDataLoader(t, ty).decode(0)).toEqual({
      kind: 'vector',
      data: Float32Array.from([1, 2]),
    });
  });

  it('rejects mismatched lengths, empty data, bad batch sizes and bad item indices', async () => {
    expect(() => arrayDataLoader(x, { data: [1, 2], shape: [2] })).toThrow(
      /pass one target per item/,
    );
    expect(() => arrayDataLoader({ data: [], shape: [0, 2] }, { data: [], shape: [0] })).toThrow(
      InterpError,
    );
    expect(() => arrayDataLoader(x, y, { batchSize: 0 })).toThrow(/batchSize must be >= 1/);
    expect(() => arrayDataLoader({ data: [1, 2, 3], shape: [2, 2] }, y)).toThrow(/needs 4 values/);
    await expect(arrayDataLoader(x, y).decode(10)).rejects.toThrow(
      /item index must be in \[0, 9\]/,
    );
  });
});

describe('DataLoaders', () => {
  it('byIndex(0) is train, byIndex(1) is valid; other indices are rejected', () => {
    const a = arrayDataLoader(x, y);
    const b = arrayDataLoader(x, y);
    const dls = new DataLoaders(a, b);
    expect(dls.byIndex(0)).toBe(a);
    expect(dls.byIndex(1)).toBe(b);
    expect(() => dls.byIndex(2)).toThrow(InterpError);
  });
});
