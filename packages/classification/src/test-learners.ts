// Hand-built learners for the prediction views' tests.
import {
  arrayDataLoader,
  crossEntropyFromProbsPerItem,
  DataLoaders,
  learnerFromFunction,
} from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Matches an InterpError whose message matches `message` (for `toThrow` and `rejects.toThrow`). */
export function interpErrorMatching(message: RegExp) {
  return expect.objectContaining({ name: 'InterpError', message: expect.stringMatching(message) });
}

/**
 * 2x2 grayscale images whose four pixels are the logits of classes a, b, c, d:
 * item 0 -> a (actual a), 1 -> b (actual c, wrong), 2 -> d (actual d), 3 -> c (actual c).
 */
export function pixelLearner(batchSize = 2) {
  const x = Float32Array.from([1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 3, 0, 0, 5, 0]);
  const y = Int32Array.from([0, 2, 3, 2]);
  const dl = arrayDataLoader(
    { data: x, shape: [4, 2, 2, 1] },
    { data: y, shape: [4] },
    { batchSize },
  );
  return learnerFromFunction((t) => tf.reshape(t, [t.shape[0]!, 4]), {
    dls: new DataLoaders(dl, dl),
    vocab: ['a', 'b', 'c', 'd'],
  });
}

/** Five items whose inputs are already probabilities (dyadic, exact in float32), classes neg/pos. */
export const PROBS = [
  [0.875, 0.125],
  [0.75, 0.25],
  [0.375, 0.625],
  [0.4375, 0.5625],
  [0.6875, 0.3125],
];
export const PROB_TARGETS = [0, 1, 1, 0, 0];

export function probsLearner(columns?: string[]) {
  return learnerOfProbabilities(PROBS, PROB_TARGETS, { columns });
}

/** A learner whose model returns its inputs: rows of class probabilities, in batches of 2. */
export function learnerOfProbabilities(
  probs: number[][],
  targets: number[],
  { columns, vocab = ['neg', 'pos'] }: { columns?: string[]; vocab?: string[] } = {},
) {
  const dl = arrayDataLoader(
    { data: Float32Array.from(probs.flat()), shape: [probs.length, probs[0]!.length] },
    { data: Int32Array.from(targets), shape: [targets.length] },
    { batchSize: 2, columns },
  );
  return learnerFromFunction((t) => tf.clone(t), {
    dls: new DataLoaders(dl, dl),
    lossFunc: crossEntropyFromProbsPerItem,
    vocab,
  });
}
