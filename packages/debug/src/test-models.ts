// Small hand-built models and learners shared by the debug tests.
import { arrayDataLoader, DataLoaders, Learner, mseLossPerItem } from '@interp/core';
import * as tfl from '@tensorflow/tfjs-layers';
import { expect } from 'vitest';

/** Inputs whose statistics are worked out by hand in the tests: 3 items x 2 features. */
export const X3 = Float32Array.from([0, 0.05, 0.3, 10, -1, 10.5]);

/**
 * identity: dense 2->2 with the identity kernel and zero bias (outputs its input);
 * dead: dense 2->2 with zero kernel and bias (always outputs zeros).
 */
export function identityThenDeadModel(): tfl.Sequential {
  const m = tfl.sequential();
  m.add(
    tfl.layers.dense({
      units: 2,
      inputShape: [2],
      name: 'identity',
      kernelInitializer: 'identity',
      biasInitializer: 'zeros',
    }),
  );
  m.add(
    tfl.layers.dense({
      units: 2,
      name: 'dead',
      kernelInitializer: 'zeros',
      biasInitializer: 'zeros',
    }),
  );
  return m;
}

/** A regression learner over `X3` repeated `copies` times (batches of 3), targets all one. */
export function x3Learner(model: tfl.LayersModel, copies = 2, batchSize = 3): Learner {
  const n = 3 * copies;
  const x = new Float32Array(n * 2);
  for (let c = 0; c < copies; c++) x.set(X3, c * 6);
  const dl = arrayDataLoader(
    { data: x, shape: [n, 2] },
    { data: new Float32Array(n * 2).fill(1), shape: [n, 2] },
    {
      batchSize,
    },
  );
  return Learner.fromLayersModel(model, { dls: new DataLoaders(dl, dl), lossFunc: mseLossPerItem });
}

/** Snapshot of what hooks must not change: own property names of the model and its layers. */
export function ownProps(model: tfl.LayersModel): string[][] {
  return [model, ...model.layers].map((l) => Object.getOwnPropertyNames(l).sort());
}

/** Two Gaussian blobs (classes 0 and 1) around (-2, -2) and (2, 2), seeded. */
export function blobs(n: number, seed = 1) {
  let s = seed >>> 0;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const xs = new Float32Array(n * 2);
  const ys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    ys[i] = c;
    xs[2 * i] = (c ? 2 : -2) + (rand() - 0.5) * 2;
    xs[2 * i + 1] = (c ? 2 : -2) + (rand() - 0.5) * 2;
  }
  return { x: { data: xs, shape: [n, 2] }, y: { data: ys, shape: [n] } };
}

/** Matches an InterpError (any code) whose message matches `message`, for `toThrow` and `rejects`. */
export function interpError(message: RegExp) {
  return expect.objectContaining({
    name: 'InterpError',
    code: expect.any(String),
    message: expect.stringMatching(message),
  });
}
