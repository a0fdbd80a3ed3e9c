import * as tf from '@tensorflow/tfjs-core';
import { InterpError } from './errors.js';
import { PROBABILITY_EPSILON } from './loss-constants.js';

/**
 * A loss with reduction none: one value per item (shape `[N]`). Losses over images or masks
 * (more than one value per item) reduce per item by the mean. `activation` turns raw model
 * outputs into probabilities and `decodes` turns those into predictions; `getPreds` uses both.
 */
export interface LossFunction {
  (preds: tf.Tensor, targs: tf.Tensor): tf.Tensor1D;
  readonly lossName: string;
  readonly activation: (preds: tf.Tensor) => tf.Tensor;
  readonly decodes: (probs: tf.Tensor) => tf.Tensor;
}

function makeLoss(
  lossName: string,
  fn: (preds: tf.Tensor, targs: tf.Tensor) => tf.Tensor1D,
  activation: (preds: tf.Tensor) => tf.Tensor,
  decodes: (probs: tf.Tensor) => tf.Tensor,
): LossFunction {
  return Object.assign((preds: tf.Tensor, targs: tf.Tensor) => fn(preds, targs), {
    lossName,
    activation,
    decodes,
  });
}

const argmaxLast = (p: tf.Tensor) => tf.argMax(p, -1);

/** Mean over every axis but the first: [N, ...] -> [N]. */
function meanPerItem(t: tf.Tensor): tf.Tensor1D {
  if (t.rank === 1) return t as tf.Tensor1D;
  return tf.mean(
    t,
    Array.from({ length: t.rank - 1 }, (_, i) => i + 1),
  ) as tf.Tensor1D;
}

/** Checks class targets against scores `[N, ..., C]` and returns them as int32 labels of shape `[N, ...]`. */
function classTargets(preds: tf.Tensor, targs: tf.Tensor, what: string): tf.Tensor {
  const lead = preds.shape.slice(0, -1);
  const same = targs.rank === lead.length && targs.shape.every((d, i) => d === lead[i]);
  if (!same) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${what}: targets of shape [${targs.shape.join(', ')}] do not fit scores of shape [${preds.shape.join(', ')}]; pass one class index per item (or per pixel)`,
    );
  }
  return targs.dtype === 'int32' ? targs : tf.cast(targs, 'int32');
}

/**
 * Cross-entropy from logits, per item: `-log_softmax(preds)[target]`, computed stably
 * (log-sum-exp). Scores are `[N, C]` (or `[N, H, W, C]` for masks, averaged over pixels).
 *
 * @example
 * ```ts
 * crossEntropyPerItem(tf.tensor2d([[0, 0]]), tf.tensor1d([1], 'int32')); // [ln 2]
 * ```
 */
export const crossEntropyPerItem: LossFunction = makeLoss(
  'crossEntropy',
  (preds, targs) =>
    tf.tidy(() => {
      const t = classTargets(preds, targs, 'crossEntropyPerItem');
      const logp = tf.logSoftmax(preds);
      const picked = tf.sum(tf.mul(logp, tf.oneHot(t, preds.shape.at(-1)!)), -1);
      return meanPerItem(tf.neg(picked));
    }),
  (p) => tf.softmax(p),
  argmaxLast,
);

/**
 * Cross-entropy from probabilities (a model ending in softmax), per item:
 * `-ln(max(p[target], 1e-12))`.
 */
export const crossEntropyFromProbsPerItem: LossFunction = makeLoss(
  'crossEntropyFromProbs',
  (preds, targs) =>
    tf.tidy(() => {
      const t = classTargets(preds, targs, 'crossEntropyFromProbsPerItem');
      const p = tf.sum(tf.mul(preds, tf.oneHot(t, preds.shape.at(-1)!)), -1);
      return meanPerItem(tf.neg(tf.log(tf.maximum(p, PROBABILITY_EPSILON))));
    }),
  (p) => tf.clone(p),
  argmaxLast,
);

/**
 * Binary cross-entropy from logits, per item (mean over labels): the stable
 * `max(x, 0) - x t + log(1 + exp(-|x|))`. For multi-label targets of 0/1.
 */
export const binaryCrossEntropyPerItem: LossFunction = makeLoss(
  'binaryCrossEntropy',
  (preds, targs) =>
    tf.tidy(() => {
      sameShape(preds, targs, 'binaryCrossEntropyPerItem');
      const t = tf.cast(targs, 'float32');
      const l = tf.add(
        tf.sub(tf.relu(preds), tf.mul(preds, t)),
        tf.log1p(tf.exp(tf.neg(tf.abs(preds)))),
      );
      return meanPerItem(l);
    }),
  (p) => tf.sigmoid(p),
  (p) => tf.cast(tf.greater(p, 0.5), 'int32'),
);

/** Mean squared error per item (mean over every axis but the first). */
export const mseLossPerItem: LossFunction = makeLoss(
  'mse',
  (preds, targs) =>
    tf.tidy(() => {
      const t =
        targs.rank === preds.rank - 1 && preds.shape.at(-1) === 1
          ? tf.expandDims(targs, -1)
          : targs;
      sameShape(preds, t, 'mseLossPerItem');
      return meanPerItem(tf.squaredDifference(preds, tf.cast(t, 'float32')));
    }),
  (p) => tf.clone(p),
  (p) => tf.clone(p),
);

function sameShape(a: tf.Tensor, b: tf.Tensor, what: string): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${what}: predictions [${a.shape.join(', ')}] and targets [${b.shape.join(', ')}] differ in shape`,
    );
  }
}
