import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearModel, LINEAR_X as X } from '../test-models.js';
import { perturbationsPerEvalFor, perturbedScores, targetScores } from './perturbation-engine.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

// f(x) = x W + b with W[:, 0] = [1, 3, -0.5, 0], b[0] = 0.1 (test-models.ts).
describe('perturbation engine', () => {
  it('perturbationsPerEvalFor keeps a pass under 2^17 values, at least one copy', () => {
    expect(perturbationsPerEvalFor(4, 784)).toBe(41);
    expect(perturbationsPerEvalFor(1, 224 * 224 * 3)).toBe(1);
  });

  it('perturbedScores evaluates masked copies perturbation-major, for any chunking', async () => {
    const f = linearModel();
    const x = tf.tensor2d(X);
    const zero = tf.zeros([1, 4]);
    await expectNoLeakedTensors(async () => {
      const full = await targetScores(f, x, Int32Array.from([0, 0]), 3, 'test');
      // f(x)_0 = 1 + 6 + 0.5 + 0 + 0.1 and -2 + 1.5 - 1.5 + 0 + 0.1.
      expect(maxAbsDiff(full, [7.6, -1.9])).toBeLessThan(1e-5);
      for (const perturbationsPerEval of [1, 2, 3]) {
        // Perturbation p zeroes feature p of every item.
        const s = await perturbedScores(
          {
            forward: f,
            x,
            replacement: zero,
            targets: Int32Array.from([0, 0]),
            numClasses: 3,
            where: 'test',
            perturbationsPerEval,
          },
          3,
          (p, _i, mask) => {
            mask[p] = 1;
          },
        );
        expect(maxAbsDiff(s, [6.6, 0.1, 1.6, -3.4, 7.1, -0.4])).toBeLessThan(1e-5);
      }
    });
    tf.dispose([x, zero]);
  });

  it('perturbedScores takes each item from the replacement row it is given', async () => {
    const f = linearModel();
    const x = tf.tensor2d(X);
    await expectNoLeakedTensors(async () => {
      // Everything replaced by the other item: the scores of the swapped batch.
      const s = await perturbedScores(
        {
          forward: f,
          x,
          replacement: x,
          replacementRow: (_p, i) => 1 - i,
          targets: Int32Array.from([0, 0]),
          numClasses: 3,
          where: 'test',
        },
        1,
        (_p, _i, mask) => mask.fill(1),
      );
      expect(maxAbsDiff(s, [-1.9, 7.6])).toBeLessThan(1e-5);
    });
    x.dispose();
  });
});
