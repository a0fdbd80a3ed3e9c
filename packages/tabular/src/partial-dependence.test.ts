import {
  arrayDataLoader,
  crossEntropyPerItem,
  DataLoaders,
  learnerFromFunction,
  mseLossPerItem,
  setupBackend,
} from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { partialDependence, partialDependenceDefaults } from './partial-dependence.js';
import { Table } from './table.js';
import { TabularData } from './tabular-data.js';
import { interpErrorOf } from './test-helpers.js';
import { linearLearner } from './test-learners.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('partialDependence(learn, feature, options)', () => {
  it('has the expected defaults', () => {
    expect(partialDependenceDefaults).toEqual({
      gridResolution: 20,
      percentiles: [0.05, 0.95],
      kind: 'average',
    });
  });

  it('builds the grid between scipy mquantiles percentiles (alphap = betap = 0.4), as sklearn', async () => {
    // x0 = 0..99. mquantiles(p = 0.05): m = 0.41, aleph = 5.41 -> 0.59 x[4] + 0.41 x[5] = 4.41;
    // p = 0.95: m = 0.59, aleph = 95.59 -> 0.41 x[94] + 0.59 x[95] = 94.59.
    // (numpy's linear percentiles would be 4.95 and 94.05.)
    const x = Array.from({ length: 100 }, (_, i) => [i, 0]);
    const learn = linearLearner(
      x,
      x.map((r) => r[0]!),
      [[1], [0]],
    );
    const pd = await partialDependence(learn, 'x0', { gridResolution: 3 });
    expect(pd.values[0]).toBeCloseTo(4.41, 4);
    expect(pd.values[1]).toBeCloseTo((4.41 + 94.59) / 2, 4);
    expect(pd.values[2]).toBeCloseTo(94.59, 4);
    expect(pd.kind).toBe('continuous');
  });

  it('uses the distinct values when there are fewer than gridResolution', async () => {
    const x = [
      [3, 1],
      [1, 2],
      [3, 3],
      [2, 4],
    ];
    const learn = linearLearner(x, [0, 0, 0, 0], [[1], [0]]);
    const pd = await partialDependence(learn, 0);
    expect(pd.values).toEqual([1, 2, 3]);
  });

  it('linear model: PD(v) = 2 v + mean(x1) and ICE_i(v) = 2 v + x1_i exactly', async () => {
    const x = [
      [0, 1],
      [1, 5],
      [2, -3],
    ];
    const learn = linearLearner(x, [0, 0, 0], [[2], [1]]);
    const pd = await partialDependence(learn, 'x0', { grid: [-1, 0.5, 4], kind: 'both' });
    expect(pd.outputs).toEqual(['y']);
    expect(pd.values).toEqual([-1, 0.5, 4]);
    const m = (1 + 5 - 3) / 3;
    pd.average![0]!.forEach((v, g) => {
      expect(v).toBeCloseTo(2 * pd.values[g]! + m, 5);
    });
    expect(pd.individual![0]!.map((row) => row.map((v) => Math.round(v * 1e4) / 1e4))).toEqual([
      [-1, 2, 9],
      [3, 6, 13],
      [-5, -2, 5],
    ]);
    const only = await partialDependence(learn, 'x0', { grid: [0], kind: 'individual' });
    expect(only.average).toBeUndefined();
    expect(only.individual![0]).toHaveLength(3);
  });

  it('classifiers give class probabilities; a two-class model only the positive class', async () => {
    const n = 4;
    const dl3 = arrayDataLoader(
      { data: [0, 1, 2, 3], shape: [n, 1] },
      { data: [0, 1, 2, 0], shape: [n] },
    );
    const three = learnerFromFunction((t) => tf.concat([t, tf.mul(t, 2), tf.zerosLike(t)], 1), {
      dls: new DataLoaders(dl3, dl3),
      lossFunc: crossEntropyPerItem,
      vocab: ['a', 'b', 'c'],
    });
    const pd = await partialDependence(three, 'x0', { grid: [0, 1] });
    expect(pd.outputs).toEqual(['a', 'b', 'c']);
    // At x = 1 the logits are [1, 2, 0] for every row: softmax of them.
    const z = Math.exp(1) + Math.exp(2) + 1;
    expect(pd.average!.map((o) => o[1]!)).toEqual([
      expect.closeTo(Math.exp(1) / z, 5),
      expect.closeTo(Math.exp(2) / z, 5),
      expect.closeTo(1 / z, 5),
    ]);
    expect(pd.average!.map((o) => o[0]!)).toEqual([
      expect.closeTo(1 / 3, 5),
      expect.closeTo(1 / 3, 5),
      expect.closeTo(1 / 3, 5),
    ]);
    const two = learnerFromFunction((t) => tf.concat([tf.zerosLike(t), t], 1), {
      dls: new DataLoaders(dl3, dl3),
      lossFunc: crossEntropyPerItem,
      vocab: ['no', 'yes'],
    });
    const pd2 = await partialDependence(two, 0, { grid: [0, 2] });
    expect(pd2.outputs).toEqual(['yes']);
    expect(pd2.average![0]![0]).toBeCloseTo(0.5, 6);
    expect(pd2.average![0]![1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
  });

  it('tabular features: categories by level, continuous values in column units, _na set to false', async () => {
    const table = Table.fromRecords([
      { island: 'Biscoe', mass: 3000, y: 1 },
      { island: 'Dream', mass: null, y: 2 },
      { island: 'Dream', mass: 4000, y: 3 },
      { island: 'Biscoe', mass: 5000, y: 4 },
    ]);
    const data = new TabularData(table, {
      yName: 'y',
      splits: [
        [0, 1, 2, 3],
        [0, 1, 2, 3],
      ],
    });
    // Output = [island code, mass_na code, normalized mass].
    const learn = learnerFromFunction((t) => tf.clone(t), {
      dls: data.dls({ batchSize: 4 }),
      lossFunc: mseLossPerItem,
    });
    const island = await partialDependence(learn, 'island');
    expect(island.kind).toBe('categorical');
    expect(island.values).toEqual([1, 2]);
    expect(island.labels).toEqual(['Biscoe', 'Dream']);
    expect(island.average![0]).toEqual([1, 2]);
    const mass = await partialDependence(learn, 'mass', { grid: [3000, 4500], kind: 'both' });
    expect(mass.values[0]).toBeCloseTo(3000, 3);
    expect(mass.values[1]).toBeCloseTo(4500, 3);
    // Every row's flag reads "false" (code 1) while its mass is set.
    expect(mass.individual![1]!.flat()).toEqual(new Array(8).fill(1));
    const fromRaw = data.features[1]!.fromRaw!;
    expect(mass.average![2]![0]).toBeCloseTo(fromRaw(3000), 5);
    const byLevel = await partialDependence(learn, 'island', { grid: ['Dream'] });
    expect(byLevel.values).toEqual([2]);
  });

  it('leaks no tensors', async () => {
    const x = [
      [0, 1],
      [1, 5],
    ];
    const learn = linearLearner(x, [0, 0], [[2], [1]]);
    await expectNoLeakedTensors(() => partialDependence(learn, 'x0', { kind: 'both' }));
  });

  it('rejects bad options with what to fix', async () => {
    const x = Array.from({ length: 40 }, (_, i) => [i, 1]);
    const learn = linearLearner(
      x,
      x.map(() => 0),
      [[1], [0]],
    );
    const msg = async (o: Parameters<typeof partialDependence>[2], f: string | number = 'x0') =>
      (await interpErrorOf(() => partialDependence(learn, f, o))).message;
    expect(await msg({ gridResolution: 1 })).toMatch(/gridResolution must be >= 2/);
    expect(await msg({ percentiles: [0.9, 0.1] })).toMatch(/invalid percentiles: \[0.9,0.1\]/);
    expect(await msg({ kind: 'mean' as never })).toMatch(/invalid kind: "mean"/);
    expect(await msg({}, 'x7')).toMatch(/no feature "x7"/);
    expect(await msg({ grid: [] })).toMatch(/invalid grid/);
    // 57 zeros and 3 other values: 4 distinct values >= gridResolution 3, so the grid comes
    // from the percentiles, and the 10% and 50% percentiles are both 0.
    const many = Array.from({ length: 60 }, (_, i) => [i < 57 ? 0 : i, 1]);
    const flat = linearLearner(
      many,
      many.map(() => 0),
      [[1], [0]],
    );
    const e = await interpErrorOf(() =>
      partialDependence(flat, 'x0', { gridResolution: 3, percentiles: [0.1, 0.5] }),
    );
    expect(e.message).toMatch(/too close to each other/);
  });
});
