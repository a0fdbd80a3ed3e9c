import {
  arrayDataLoader,
  createRng,
  crossEntropyFromProbsPerItem,
  crossEntropyPerItem,
  DataLoaders,
  learnerFromFunction,
  mseLossPerItem,
  setupBackend,
} from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { createDocument } from '@interp/viz';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FeatureImportance, permutationImportanceDefaults } from './feature-importance.js';
import { interpErrorOf } from './test-helpers.js';
import { dot, linearLearner, normals } from './test-learners.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('new FeatureImportance(learn).permutationImportance(options)', () => {
  it('has the expected defaults (5 repeats, the valid loader, accuracy or r2 by task)', async () => {
    expect(permutationImportanceDefaults).toEqual({ nRepeats: 5 });
    const x = normals(20, 2, 1);
    const reg = await new FeatureImportance(
      linearLearner(
        x,
        x.map((r) => dot(r, [1, 1])),
        [[1], [1]],
      ),
    ).permutationImportance({ randomState: 0 });
    expect(reg.scoring).toBe('r2');
    expect(reg.importances[0]).toHaveLength(5);
    expect(reg.features).toEqual(['x0', 'x1']);
    const cls = await new FeatureImportance(
      linearLearner(
        x,
        x.map((r) => (r[0]! > 0 ? 1 : 0)),
        [
          [-1, 1],
          [0, 0],
        ],
        crossEntropyPerItem,
      ),
    ).permutationImportance({ randomState: 0 });
    expect(cls.scoring).toBe('accuracy');
    expect(cls.baselineScore).toBe(1);
  });

  it('gives a feature the model ignores an importance of exactly 0, for every scorer', async () => {
    const x = normals(200, 3, 2);
    const w = [1, 0, -2];
    const y = x.map((r) => dot(r, w) + 0.1);
    const fi = new FeatureImportance(
      linearLearner(
        x,
        y,
        w.map((v) => [v]),
      ),
    );
    for (const scoring of ['r2', 'neg_mean_squared_error'] as const) {
      const r = await fi.permutationImportance({ randomState: 0, scoring });
      expect(r.importances[1]).toEqual([0, 0, 0, 0, 0]);
      expect(r.importancesMean[1]).toBe(0);
      expect(r.importancesStd[1]).toBe(0);
      expect(Math.min(...r.importances[0]!, ...r.importances[2]!)).toBeGreaterThan(0);
    }
    const labels = x.map((r) => (r[0]! - r[2]! > 0 ? 1 : 0));
    const clf = new FeatureImportance(
      linearLearner(
        x,
        labels,
        [
          [1, -1],
          [0, 0],
          [-1, 1],
        ],
        crossEntropyPerItem,
      ),
    );
    for (const scoring of ['accuracy', 'neg_log_loss'] as const) {
      const r = await clf.permutationImportance({ randomState: 1, scoring, nRepeats: 3 });
      expect(r.importances[1]).toEqual([0, 0, 0]);
    }
  });

  it('matches the closed form for a linear regressor: E[drop in MSE] = 2 w_f^2 Var(x_f)', async () => {
    // For y = w.x fitted exactly, permuting x_f adds w_f (x_f - x_f[p]) to the error; over
    // uniform permutations E[mean (x - x[p])^2] = 2 n / (n - 1) Var(x) (population variance).
    const n = 2000;
    const w = [2, 1, 0.5, 0];
    const x = normals(n, 4, 3);
    const y = x.map((r) => dot(r, w));
    const fi = new FeatureImportance(
      linearLearner(
        x,
        y,
        w.map((v) => [v]),
      ),
    );
    const r = await fi.permutationImportance({
      randomState: 0,
      nRepeats: 10,
      scoring: 'neg_mean_squared_error',
    });
    const varPop = (j: number) => {
      const m = x.reduce((a, row) => a + row[j]!, 0) / n;
      return x.reduce((a, row) => a + (row[j]! - m) ** 2, 0) / n;
    };
    expect(r.baselineScore).toBeCloseTo(0, 9);
    w.forEach((wf, j) => {
      const expected = ((wf * wf * 2 * n) / (n - 1)) * varPop(j);
      // Sampling error of 10 permutations of 2000 rows: about 1% (sd); allow 5%.
      expect(Math.abs(r.importancesMean[j]! - expected)).toBeLessThanOrEqual(0.05 * expected);
    });
    expect(r.importancesMean[3]).toBe(0);
    // r2 = 1 - MSE / Var(y): its drop is the MSE drop over Var(y).
    const r2 = await fi.permutationImportance({ randomState: 0, nRepeats: 10, scoring: 'r2' });
    const my = y.reduce((a, b) => a + b, 0) / n;
    const varY = y.reduce((a, b) => a + (b - my) ** 2, 0) / n;
    r2.importancesMean.forEach((v, j) => {
      expect(v).toBeCloseTo(r.importancesMean[j]! / varY, 4);
    });
  });

  it('hand-worked 3-row case: each repeat scores the documented seeded permutation', async () => {
    // y_hat = x0 and y = x0 = [1, 2, 3]: baseline MSE 0. The permuted column's MSE by hand:
    const mseOf: Record<string, number> = {
      '1,2,3': 0,
      '2,1,3': 2 / 3, // (2-1)^2 + (1-2)^2
      '1,3,2': 2 / 3,
      '3,2,1': 8 / 3, // (3-1)^2 + (1-3)^2
      '2,3,1': 2, // 1 + 1 + 4
      '3,1,2': 2, // 4 + 1 + 1
    };
    const x = [
      [1, 5],
      [2, 6],
      [3, 7],
    ];
    const fi = new FeatureImportance(linearLearner(x, [1, 2, 3], [[1], [0]]));
    const r = await fi.permutationImportance({
      randomState: 7,
      nRepeats: 4,
      scoring: 'neg_mean_squared_error',
    });
    // The documented scheme: one seed from randomState; each feature replays createRng(seed),
    // an index array shuffled in place before each repeat, the column re-indexed by it.
    const seed = createRng(7).int(2 ** 31);
    const rng = createRng(seed);
    const idx = [0, 1, 2];
    let col = [1, 2, 3];
    const expected = [0, 1, 2, 3].map(() => {
      rng.shuffle(idx);
      col = idx.map((i) => col[i]!);
      return mseOf[col.join(',')]!;
    });
    expect(r.baselineScore).toBe(-0);
    r.importances[0]!.forEach((v, k) => {
      expect(v).toBeCloseTo(expected[k]!, 6);
    });
    expect(r.importances[1]).toEqual([0, 0, 0, 0]);
    // Over many seeds every permutation shows up: the four hand values, nothing else.
    const seen = new Set<string>();
    for (let s = 0; s < 20; s++) {
      const q = await fi.permutationImportance({
        randomState: s,
        nRepeats: 3,
        scoring: 'neg_mean_squared_error',
      });
      for (const v of q.importances[0]!) seen.add(v.toFixed(4));
    }
    expect([...seen].sort()).toEqual(['0.0000', '0.6667', '2.0000', '2.6667']);
  });

  it('neg_log_loss on a probability model, two rows: a repeat is the identity or the swap', async () => {
    // P(class 0) = x0; rows x0 = 0.9 (y 0) and 0.2 (y 1). Baseline -(ln .9 + ln .8) / 2;
    // swapped, row 0 gets 0.2 for its class and row 1 gets 0.1: -(ln .2 + ln .1) / 2.
    const n = 2;
    const dl = arrayDataLoader({ data: [0.9, 0.2], shape: [n, 1] }, { data: [0, 1], shape: [n] });
    const learn = learnerFromFunction((t) => tf.concat([t, tf.sub(1, t)], 1), {
      dls: new DataLoaders(dl, dl),
      lossFunc: crossEntropyFromProbsPerItem,
    });
    const r = await new FeatureImportance(learn).permutationImportance({
      randomState: 0,
      nRepeats: 20,
      scoring: 'neg_log_loss',
    });
    const baseline = (Math.log(0.9) + Math.log(0.8)) / 2;
    const swapped = (Math.log(0.2) + Math.log(0.1)) / 2;
    expect(r.baselineScore).toBeCloseTo(baseline, 6);
    const values = new Set(r.importances[0]!.map((v) => v.toFixed(5)));
    expect([...values].sort()).toEqual([(0).toFixed(5), (baseline - swapped).toFixed(5)].sort());
  });

  it('accuracy reads labels decoded on the backend: ties to the lower class, NaN rows rejected', async () => {
    // Logits [x0, x1, 0]: [1, 1, 0] ties 0/1 -> 0; [-1, 0, 0] ties 1/2 -> 1; labels 0 and 2.
    const learn = linearLearner(
      [
        [1, 1],
        [-1, 0],
      ],
      [0, 2],
      [
        [1, 0, 0],
        [0, 1, 0],
      ],
      crossEntropyPerItem,
    );
    const r = await new FeatureImportance(learn).permutationImportance({
      randomState: 0,
      act: 'none',
    });
    expect(r.baselineScore).toBe(0.5);
    const n = 3;
    const dl = arrayDataLoader(
      { data: [0.9, 0.2, 0.6], shape: [n, 1] },
      { data: [1, 0, 0], shape: [n] },
    );
    const sigmoid = learnerFromFunction((t) => tf.clone(t), {
      dls: new DataLoaders(dl, dl),
      lossFunc: crossEntropyFromProbsPerItem,
    });
    // One output is P(class 1): 0.9 -> 1, 0.2 -> 0, 0.6 -> 1 (wrong).
    const s = await new FeatureImportance(sigmoid).permutationImportance({ randomState: 0 });
    expect(s.baselineScore).toBeCloseTo(2 / 3, 12);
    const nan = learnerFromFunction(
      (t) => tf.concat([tf.div(t, 0), tf.sub(tf.div(t, 0), tf.div(t, 0))], 1),
      {
        dls: new DataLoaders(dl, dl),
        lossFunc: crossEntropyPerItem,
      },
    );
    expect(
      (await interpErrorOf(() => new FeatureImportance(nan).permutationImportance())).code,
    ).toBe('NON_FINITE');
  });

  it('leaks no tensors', async () => {
    const x = normals(30, 2, 8);
    const fi = new FeatureImportance(
      linearLearner(
        x,
        x.map((r) => dot(r, [1, 1])),
        [[1], [1]],
      ),
    );
    await expectNoLeakedTensors(() => fi.permutationImportance({ randomState: 0, batchSize: 7 }));
    await expectNoLeakedTensors(() => fi.permutationImportance({ randomState: 0 }));
  });

  it('plotImportance draws the last result; before any result it says what to call', async () => {
    const x = normals(30, 2, 9);
    const fi = new FeatureImportance(
      linearLearner(
        x,
        x.map((r) => dot(r, [1, 3])),
        [[1], [3]],
      ),
    );
    const document = await createDocument();
    const e = await interpErrorOf(() => fi.plotImportance({ document }));
    expect(e.message).toMatch(/call await fi.permutationImportance\(\) first/);
    await fi.permutationImportance({ randomState: 0 });
    const svg = fi.plotImportance({ document });
    expect(svg.querySelectorAll('g[aria-label="bar"] rect')).toHaveLength(2);
  });

  it('rejects bad input with messages that say what to fix', async () => {
    const x = normals(10, 2, 10);
    const reg = new FeatureImportance(
      linearLearner(
        x,
        x.map((r) => r[0]! + 0.5),
        [[1], [0]],
      ),
    );
    expect((await interpErrorOf(() => reg.permutationImportance({ nRepeats: 0 }))).message).toMatch(
      /nRepeats must be >= 1/,
    );
    expect(
      (await interpErrorOf(() => reg.permutationImportance({ scoring: 'f1' as never }))).code,
    ).toBe('INVALID_OPTION');
    // Class scorers need class indices: a regressor's float targets are not.
    expect(
      (await interpErrorOf(() => reg.permutationImportance({ scoring: 'accuracy' }))).message,
    ).toMatch(/target of row 0 is .*, not a class index in 0..1/);
    expect(
      (await interpErrorOf(() => reg.permutationImportance({ featureNames: ['a'] }))).message,
    ).toMatch(/featureNames must be 2 strings/);
    expect(
      (await interpErrorOf(() => reg.permutationImportance({ groups: { g: ['nope'] } }))).message,
    ).toMatch(/group "g": no feature "nope"; the features are "x0", "x1"/);
    expect(
      (await interpErrorOf(() => reg.permutationImportance({ groups: { g: [5] } }))).message,
    ).toMatch(/column 5 is not in 0..1/);
    expect(
      (await interpErrorOf(() => reg.permutationImportance({ dl: {} as never }))).message,
    ).toMatch(/dl must be a DataLoader/);
    const images = arrayDataLoader(
      { data: new Array(8).fill(0), shape: [2, 2, 2, 1] },
      { data: [0, 1], shape: [2] },
    );
    expect((await interpErrorOf(() => reg.permutationImportance({ dl: images }))).message).toMatch(
      /needs table rows: inputs of shape \[N, features\], got \[2, 2, 2, 1\]/,
    );
    const dl = arrayDataLoader({ data: [1, 2], shape: [2, 1] }, { data: [0, 1], shape: [2] });
    const nan = learnerFromFunction((t) => tf.sub(tf.div(t, 0), tf.div(t, 0)), {
      dls: new DataLoaders(dl, dl),
      lossFunc: mseLossPerItem,
    });
    expect(
      (await interpErrorOf(() => new FeatureImportance(nan).permutationImportance())).code,
    ).toBe('NON_FINITE');
    expect((await interpErrorOf(() => new FeatureImportance({} as never))).message).toMatch(
      /needs a Learner/,
    );
  });
});
