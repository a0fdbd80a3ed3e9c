import {
  arrayDataLoader,
  createRng,
  DataLoaders,
  type Learner,
  type LossFunction,
  learnerFromFunction,
  mseLossPerItem,
} from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';

/** A learner whose model is `x @ w` (F x C weights), on loaders over (x, y). */
export function linearLearner(
  x: number[][],
  y: ArrayLike<number>,
  w: number[][],
  lossFunc: LossFunction = mseLossPerItem,
): Learner {
  const n = x.length;
  const f = x[0]!.length;
  const dl = arrayDataLoader(
    { data: x.flat(), shape: [n, f] },
    { data: Array.from(y), shape: [n] },
    { batchSize: 16 },
  );
  return learnerFromFunction((t) => tf.matMul(t, tf.tensor2d(w)), {
    dls: new DataLoaders(dl, dl),
    lossFunc,
  });
}

/** n rows of f independent standard normals (seeded). */
export function normals(n: number, f: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Array.from({ length: f }, () => rng.normal()));
}

/** w . row */
export const dot = (row: number[], w: number[]) => row.reduce((a, v, j) => a + v * w[j]!, 0);

/** Population variance of column j. */
export function varPop(x: number[][], j: number): number {
  const n = x.length;
  const m = x.reduce((a, row) => a + row[j]!, 0) / n;
  return x.reduce((a, row) => a + (row[j]! - m) ** 2, 0) / n;
}
