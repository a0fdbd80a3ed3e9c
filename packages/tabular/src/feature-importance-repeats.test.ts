import { createRng, learnerFromFunction, mseLossPerItem, setupBackend } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FeatureImportance } from './feature-importance.js';
import { Table } from './table.js';
import { TabularData } from './tabular-data.js';
import { dot, linearLearner, normals } from './test-learners.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('permutationImportance: seeds, statistics, batching and feature groups', () => {
  it('is identical for the same randomState and differs for another', async () => {
    const x = normals(60, 3, 4);
    const fi = new FeatureImportance(
      linearLearner(
        x,
        x.map((r) => dot(r, [1, 2, 3])),
        [[1], [2], [3]],
      ),
    );
    const a = await fi.permutationImportance({ randomState: 11 });
    const b = await fi.permutationImportance({ randomState: 11 });
    const c = await fi.permutationImportance({ randomState: 12 });
    expect(b).toEqual(a);
    expect(c.importances).not.toEqual(a.importances);
    // A generator as randomState is consumed, so two calls with it differ.
    const rng = createRng(3);
    const d = await fi.permutationImportance({ randomState: rng });
    const e = await fi.permutationImportance({ randomState: rng });
    expect(e.importances).not.toEqual(d.importances);
  });

  it('reports the population std (ddof 0) and the mean of the repeats', async () => {
    const x = normals(40, 2, 5);
    const fi = new FeatureImportance(
      linearLearner(
        x,
        x.map((r) => dot(r, [1, -1])),
        [[1], [-1]],
      ),
    );
    const r = await fi.permutationImportance({ randomState: 2, nRepeats: 4 });
    r.importances.forEach((reps, f) => {
      const m = (reps[0]! + reps[1]! + reps[2]! + reps[3]!) / 4;
      const ss = reps.reduce((a, v) => a + (v - m) ** 2, 0);
      expect(r.importancesMean[f]).toBeCloseTo(m, 12);
      expect(r.importancesStd[f]).toBeCloseTo(Math.sqrt(ss / 4), 12);
      expect(r.importancesStd[f]).not.toBeCloseTo(Math.sqrt(ss / 3), 6);
    });
  });

  it('does not depend on how rows are batched into model calls', async () => {
    const x = normals(30, 3, 6);
    const fi = new FeatureImportance(
      linearLearner(
        x,
        x.map((r) => dot(r, [1, 2, 0])),
        [[1], [2], [0.5]],
      ),
    );
    const whole = await fi.permutationImportance({ randomState: 1 });
    // 7 rows per call: copies split across calls.
    const small = await fi.permutationImportance({ randomState: 1, batchSize: 7 });
    const two = await fi.permutationImportance({ randomState: 1, batchSize: 60 });
    expect(small).toEqual(whole);
    expect(two).toEqual(whole);
  });

  it('permutes feature groups together (same permutation for every column of a group)', async () => {
    // y_hat = x0 - x1 with x0 = x1: always 0 while both move together.
    const base = normals(50, 1, 7).map((r) => r[0]!);
    const x = base.map((v, i) => [v, v, i / 50]);
    const y = x.map((r) => r[2]!);
    const fi = new FeatureImportance(linearLearner(x, y, [[1], [-1], [1]]));
    const single = await fi.permutationImportance({
      randomState: 0,
      scoring: 'neg_mean_squared_error',
    });
    expect(single.importancesMean[0]).toBeGreaterThan(0);
    const grouped = await fi.permutationImportance({
      randomState: 0,
      scoring: 'neg_mean_squared_error',
      groups: { pair: ['x0', 'x1'], third: [2] },
    });
    expect(grouped.features).toEqual(['pair', 'third']);
    expect(grouped.importances[0]).toEqual([0, 0, 0, 0, 0]);
    expect(grouped.importancesMean[1]).toBeGreaterThan(0);
    const named = await fi.permutationImportance({
      randomState: 0,
      featureNames: ['a', 'b', 'c'],
      groups: { ab: ['a', 'b'] },
    });
    expect(named.features).toEqual(['ab']);
  });

  it('permutes a tabular column as a whole: a continuous column with its _na flag', async () => {
    const table = Table.fromRecords([
      { island: 'Biscoe', mass: 3000, y: 1 },
      { island: 'Dream', mass: null, y: 2 },
      { island: 'Dream', mass: 4000, y: 3 },
      { island: 'Biscoe', mass: null, y: 4 },
      { island: 'Torgersen', mass: 3500, y: 5 },
      { island: 'Dream', mass: 3600, y: 6 },
    ]);
    const data = new TabularData(table, {
      yName: 'y',
      splits: [
        [0, 1, 2, 3, 4, 5],
        [0, 1, 2, 3, 4, 5],
      ],
    });
    expect(data.columnNames).toEqual(['island', 'mass_na', 'mass']);
    // The model reads only the flag column (codes 1 / 2).
    const learn = learnerFromFunction((t) => tf.slice(t, [0, 1], [-1, 1]), {
      dls: data.dls({ batchSize: 4 }),
      lossFunc: mseLossPerItem,
    });
    const r = await new FeatureImportance(learn).permutationImportance({
      randomState: 0,
      nRepeats: 8,
      scoring: 'neg_mean_squared_error',
    });
    expect(r.features).toEqual(['island', 'mass']);
    expect(r.importances[0]).toEqual(new Array(8).fill(0));
    expect(r.importancesMean[1]).not.toBe(0);
    // Permuting the flag with its column's values is the same as permuting the group of both.
    const g = await new FeatureImportance(learn).permutationImportance({
      randomState: 0,
      nRepeats: 8,
      scoring: 'neg_mean_squared_error',
      groups: { island: ['island'], mass: [2, 1] },
    });
    expect(g.importances).toEqual(r.importances);
  });
});
