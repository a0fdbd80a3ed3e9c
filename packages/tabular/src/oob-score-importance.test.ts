import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { oobScoreImportance, oobScoreImportanceDefaults } from './oob-score-importance.js';
import { interpErrorOf } from './test-helpers.js';
import { dot, linearLearner, normals, varPop } from './test-learners.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('oobScoreImportance(learn, options)', () => {
  it('has the expected defaults', () => {
    expect(oobScoreImportanceDefaults).toEqual({ nBootstrap: 10 });
  });

  it('leaves about 1/e of the rows out of each resample and scores on them', async () => {
    const x = normals(1000, 2, 1);
    const learn = linearLearner(
      x,
      x.map((r) => dot(r, [1, 2])),
      [[1], [2]],
    );
    const r = await oobScoreImportance(learn, {
      randomState: 0,
      scoring: 'neg_mean_squared_error',
    });
    expect(r.oobSizes).toHaveLength(10);
    // E[out-of-bag rows] = n (1 - 1/n)^n = 367.7 for n = 1000; sd about 15.
    const mean = r.oobSizes.reduce((a, b) => a + b, 0) / 10;
    expect(mean).toBeGreaterThan(340);
    expect(mean).toBeLessThan(395);
    // An exact model: every out-of-bag baseline is 0.
    for (const b of r.baselineScores) expect(Math.abs(b)).toBeLessThan(1e-9);
    expect(r.importances.map((row) => row.length)).toEqual([10, 10]);
  });

  it('matches the linear closed form in expectation and gives an ignored feature exactly 0', async () => {
    const n = 2000;
    const w = [2, 0, 1];
    const x = normals(n, 3, 2);
    const learn = linearLearner(
      x,
      x.map((r) => dot(r, w)),
      w.map((v) => [v]),
    );
    const r = await oobScoreImportance(learn, {
      randomState: 1,
      scoring: 'neg_mean_squared_error',
    });
    expect(r.importances[1]).toEqual(new Array(10).fill(0));
    for (const j of [0, 2]) {
      const expected = 2 * w[j]! ** 2 * varPop(x, j);
      // 10 resamples of ~735 rows: a few percent of noise; allow 10%.
      expect(Math.abs(r.importancesMean[j]! - expected)).toBeLessThan(0.1 * expected);
    }
  });

  it('reports mean and population std over resamples; same seed, same result', async () => {
    const x = normals(80, 2, 3);
    const learn = linearLearner(
      x,
      x.map((r) => dot(r, [1, -1])),
      [[1], [-1]],
    );
    const a = await oobScoreImportance(learn, { randomState: 4, nBootstrap: 5 });
    const b = await oobScoreImportance(learn, { randomState: 4, nBootstrap: 5 });
    const c = await oobScoreImportance(learn, { randomState: 5, nBootstrap: 5 });
    expect(b).toEqual(a);
    expect(c.importances).not.toEqual(a.importances);
    a.importances.forEach((row, f) => {
      const m = row.reduce((s, v) => s + v, 0) / 5;
      expect(a.importancesMean[f]).toBeCloseTo(m, 12);
      expect(a.importancesStd[f]).toBeCloseTo(
        Math.sqrt(row.reduce((s, v) => s + (v - m) ** 2, 0) / 5),
        12,
      );
    });
    expect(a.baselineScore).toBeCloseTo(a.baselineScores.reduce((s, v) => s + v, 0) / 5, 12);
    expect(a.scoring).toBe('r2');
  });

  it('leaks no tensors and rejects bad input', async () => {
    const x = normals(20, 2, 6);
    const learn = linearLearner(
      x,
      x.map((r) => r[0]!),
      [[1], [0]],
    );
    await expectNoLeakedTensors(() => oobScoreImportance(learn, { randomState: 0, nBootstrap: 2 }));
    expect(
      (await interpErrorOf(() => oobScoreImportance(learn, { nBootstrap: 0 }))).message,
    ).toMatch(/nBootstrap must be >= 1/);
    const one = linearLearner([[1, 2]], [1], [[1], [0]]);
    expect((await interpErrorOf(() => oobScoreImportance(one))).message).toMatch(/at least 2 rows/);
  });
});
