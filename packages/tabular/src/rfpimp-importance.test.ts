import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { FeatureImportance } from './feature-importance.js';
import { rfpimpImportance, rfpimpImportanceDefaults } from './rfpimp-importance.js';
import { interpErrorOf } from './test-helpers.js';
import { dot, linearLearner, normals } from './test-learners.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('rfpimpImportance(learn, options)', () => {
  it('has the expected defaults (rfpimp samples 5000 rows)', () => {
    expect(rfpimpImportanceDefaults).toEqual({ nSamples: 5000 });
  });

  it('hand-worked 2-row case: one permutation is the identity (0) or the swap (MSE 4)', async () => {
    // y_hat = x0, y = [1, 3]; swapped, both rows are off by 2.
    const learn = linearLearner(
      [
        [1, 9],
        [3, 8],
      ],
      [1, 3],
      [[1], [0]],
    );
    const seen = new Set<number>();
    for (let s = 0; s < 12; s++) {
      const r = await rfpimpImportance(learn, {
        randomState: s,
        metric: 'neg_mean_squared_error',
      });
      expect(r.baselineScore).toBe(-0);
      const k = r.features.indexOf('x0');
      seen.add(r.importances[k]!);
      expect(r.importances[r.features.indexOf('x1')]).toBe(0);
    }
    expect([...seen].sort()).toEqual([0, 4]);
  });

  it('sorts most important first; an ignored feature gets exactly 0; ties keep feature order', async () => {
    const x = normals(300, 4, 1);
    const w = [0.5, 0, 3, 0];
    const learn = linearLearner(
      x,
      x.map((r) => dot(r, w)),
      w.map((v) => [v]),
    );
    const r = await rfpimpImportance(learn, { randomState: 0 });
    expect(r.scoring).toBe('r2');
    expect(r.features).toEqual(['x2', 'x0', 'x1', 'x3']);
    expect(r.importances.slice(2)).toEqual([0, 0]);
    expect(r.importances[0]).toBeGreaterThan(r.importances[1]!);
  });

  it('uses the same baseline as permutation importance, on a seeded sample of nSamples rows', async () => {
    const x = normals(120, 2, 2);
    const y = x.map((r) => (r[0]! > 0.3 ? 1 : 0));
    const learn = linearLearner(x, y, [
      [-1, 1],
      [0, 0],
    ]);
    const all = await rfpimpImportance(learn, {
      randomState: 0,
      metric: 'accuracy',
      nSamples: null,
    });
    const pi = await new FeatureImportance(learn).permutationImportance({
      scoring: 'accuracy',
      randomState: 0,
    });
    expect(all.baselineScore).toBe(pi.baselineScore);
    const a = await rfpimpImportance(learn, { randomState: 5, metric: 'accuracy', nSamples: 10 });
    const b = await rfpimpImportance(learn, { randomState: 5, metric: 'accuracy', nSamples: 10 });
    expect(b).toEqual(a);
    // A score over 10 rows is a multiple of 1/10.
    expect(Math.abs(a.baselineScore * 10 - Math.round(a.baselineScore * 10))).toBeLessThan(1e-9);
  });

  it('leaks no tensors and rejects bad options', async () => {
    const x = normals(20, 2, 3);
    const learn = linearLearner(
      x,
      x.map((r) => r[0]!),
      [[1], [0]],
    );
    await expectNoLeakedTensors(() => rfpimpImportance(learn, { randomState: 0 }));
    expect((await interpErrorOf(() => rfpimpImportance(learn, { nSamples: 0 }))).message).toMatch(
      /nSamples must be >= 1/,
    );
    expect(
      (await interpErrorOf(() => rfpimpImportance(learn, { metric: 'auc' as never }))).code,
    ).toBe('INVALID_OPTION');
  });
});
