import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHUNKED_ITEM_SIZE, fakeThroughputClock } from '../test-fake-clock.js';
import { defaultRowsPerChunk, maxRowsPerChunk } from './batch-budget.js';
import { perturbedScores } from './perturbation-engine.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

afterEach(() => {
  vi.restoreAllMocks();
});

// 2^15 values per item: 4 rows (2 copies of 2 items) per default pass, 32 rows at most.
const D = CHUNKED_ITEM_SIZE;
const COUNT = 40;
const BLOCK = 100;
// Small integers: every sum below is exact in float32.
const valueAt = (k: number) => (k % 7) - 3;

/** Score of item i with block p zeroed, for f = sum of the item's values, by hand. */
function expected(): number[] {
  const out: number[] = [];
  for (let p = 0; p < COUNT; p++)
    for (let i = 0; i < 2; i++) {
      let s = 0;
      for (let j = 0; j < D; j++)
        if (j < p * BLOCK || j >= (p + 1) * BLOCK) s += valueAt(i * D + j);
      out.push(s);
    }
  return out;
}

describe('perturbedScores with throughput-sized passes', () => {
  it('grows its passes while they run faster per row and gives the fixed-pass scores', async () => {
    expect([defaultRowsPerChunk(D), maxRowsPerChunk(D)]).toEqual([4, 32]);
    const clock = fakeThroughputClock();
    const forward = (x: tf.Tensor) => {
      clock.charge(x.shape[0]!);
      return tf.sum(x, 1);
    };
    const x = tf.tensor2d(
      Float32Array.from({ length: 2 * D }, (_, k) => valueAt(k)),
      [2, D],
    );
    const zero = tf.zeros([1, D]);
    const problem = { forward, x, replacement: zero, targets: Int32Array.from([0, 0]) };
    const run = (perturbationsPerEval?: number) =>
      perturbedScores(
        { ...problem, numClasses: 1, where: 'test', perturbationsPerEval },
        COUNT,
        (p, _i, mask) => mask.fill(1, p * BLOCK, (p + 1) * BLOCK),
      );
    const sized = await run();
    expect(clock.sizes).toEqual([4, 8, 16, 32, 20]);
    const want = expected();
    expect(Array.from(sized)).toEqual(want);
    expect(Array.from(await run(1))).toEqual(want);
    expect(Array.from(await run(COUNT))).toEqual(want);
    await expectNoLeakedTensors(() => run());
    tf.dispose([x, zero]);
  });
});
