import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { infidelity } from '../infidelity.js';
import { sensitivityMax } from '../sensitivity-max.js';
import { CHUNKED_ITEM_SIZE, fakeThroughputClock } from '../test-fake-clock.js';
import { defaultRowsPerChunk, maxRowsPerChunk } from './batch-budget.js';
import { sampleChunks } from './metric-chunks.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

afterEach(() => {
  vi.restoreAllMocks();
});

// 2^15 values per item: 4 rows per default chunk, 32 at most, so 2 items x 40 perturbations
// need several chunks.
const D = CHUNKED_ITEM_SIZE;
const N = 2;
const SAMPLES = 40;

function inputs(): tf.Tensor2D {
  return tf.tensor2d(
    Float32Array.from({ length: N * D }, (_, k) => Math.sin(k * 0.37)),
    [N, D],
  );
}

/** Perturbations of each item handed out so far (reset before each call). */
let seen = 0;

/** Perturbation s of every item scales it by c_s = 0.01 (s + 1), whatever the chunk sizes. */
const scale = (s: number) => 0.01 * (s + 1);

/**
 * c_s of each row of a chunk, [rows, 1]: a chunk holds samples done..done+k-1 of every item
 * (item-major), so each row's sample index follows from the rows handed out so far.
 */
function rowScales(x: tf.Tensor): tf.Tensor {
  const rows = x.shape[0]!;
  const k = rows / N;
  const done = seen;
  seen += k;
  return tf.tensor2d(
    Float32Array.from({ length: rows }, (_, r) => scale(done + (r % k))),
    [rows, 1],
  );
}

describe('infidelity and sensitivityMax chunks sized by throughput', () => {
  it('infidelity grows its chunks 4, 8, 16, 32 rows, then 20, with the hand value of one batch', async () => {
    expect([defaultRowsPerChunk(D), maxRowsPerChunk(D)]).toEqual([4, 32]);
    const clock = fakeThroughputClock();
    // F(x) = sum x^2 (class 0); attributions x; perturbation s: I = c_s x, x - I = (1 - c_s) x.
    // Per item: a = c_s S, b = F(x) - F((1 - c_s) x) = (2 c_s - c_s^2) S with S = sum x^2, so
    // infidelity = S^2 mean_s (c_s^2 - c_s)^2.
    const model = (v: tf.Tensor) => {
      clock.charge(v.shape[0]!);
      return tf.tidy(() => tf.stack([tf.sum(tf.square(v), 1), tf.sum(v, 1)], 1));
    };
    const perturb = (v: tf.Tensor): [tf.Tensor, tf.Tensor] => {
      const i = tf.tidy(() => tf.mul(v, rowScales(v)));
      return [i, tf.sub(v, i)];
    };
    const x = inputs();
    const opts = { target: 0, nPerturbSamples: SAMPLES } as const;
    seen = 0;
    const sized = await infidelity(model, perturb, x, x, opts);
    // Before the chunks: one row to learn the output shape, then F(x).
    expect(clock.sizes).toEqual([1, N, 4, 8, 16, 32, 20]);
    seen = 0;
    const one = await infidelity(model, perturb, x, x, {
      ...opts,
      maxExamplesPerBatch: N * SAMPLES,
    });
    expect(clock.sizes.slice(7)).toEqual([1, N, N * SAMPLES]);
    const xv = await x.data();
    let m = 0;
    for (let s = 0; s < SAMPLES; s++) m += (scale(s) ** 2 - scale(s)) ** 2 / SAMPLES;
    const got = await sized.data();
    const oneBatch = await one.data();
    for (let i = 0; i < N; i++) {
      let sumSq = 0;
      for (let j = 0; j < D; j++) sumSq += xv[i * D + j]! ** 2;
      const want = sumSq ** 2 * m;
      expect(Math.abs(got[i]! - want) / want).toBeLessThan(1e-4);
      expect(Math.abs(got[i]! - oneBatch[i]!) / want).toBeLessThan(1e-5);
    }
    tf.dispose([x, sized, one]);
  });

  it('sensitivityMax grows its chunks the same way and gives max_s c_s, as one batch does', async () => {
    const clock = fakeThroughputClock();
    // expl(v) = 2v; perturbation s scales x by 1 + c_s, so ||expl - expl_s|| / ||expl|| = c_s.
    const explain = (v: tf.Tensor) => {
      clock.charge(v.shape[0]!);
      return tf.mul(v, 2);
    };
    const perturbFunc = (v: tf.Tensor) => tf.tidy(() => tf.mul(v, tf.add(rowScales(v), 1)));
    const x = inputs();
    seen = 0;
    const sized = await sensitivityMax(explain, x, { perturbFunc, nPerturbSamples: SAMPLES });
    expect(clock.sizes).toEqual([N, 4, 8, 16, 32, 20]);
    seen = 0;
    const one = await sensitivityMax(explain, x, {
      perturbFunc,
      nPerturbSamples: SAMPLES,
      maxExamplesPerBatch: N * SAMPLES,
    });
    const want = scale(SAMPLES - 1);
    for (const v of [...(await sized.data()), ...(await one.data())]) {
      expect(Math.abs(v - want)).toBeLessThan(1e-5);
    }
    tf.dispose([x, sized, one]);
  });

  it('sampleChunks refuses a maxExamplesPerBatch below the batch before any work', () => {
    expect(() => sampleChunks(1, N, D, SAMPLES, 'infidelity')).toThrow(
      /infidelity: maxExamplesPerBatch = 1 is smaller than the batch \(2 items\); pass at least 2/,
    );
  });

  it('leaks no tensors with throughput-sized chunks', async () => {
    const x = inputs();
    const perturb = (v: tf.Tensor): [tf.Tensor, tf.Tensor] =>
      tf.tidy(() => [tf.mul(v, 0.1), tf.mul(v, 0.9)] as [tf.Tensor, tf.Tensor]);
    const model = (v: tf.Tensor) => tf.tidy(() => tf.stack([tf.sum(v, 1), tf.sum(v, 1)], 1));
    await expectNoLeakedTensors(() =>
      infidelity(model, perturb, x, x, { target: 0, nPerturbSamples: 6 }),
    );
    await expectNoLeakedTensors(() =>
      sensitivityMax((v) => tf.mul(v, 2), x, { nPerturbSamples: 6, randomState: 0 }),
    );
    x.dispose();
  });
});
