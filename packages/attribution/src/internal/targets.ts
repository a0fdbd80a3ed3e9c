import { InterpError } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import type { Target } from '../types.js';
import { asScoreMatrix, type ResolvedModel } from './resolve-model.js';

/** Targets resolved to one class index per item, and the model's number of output columns. */
export interface ResolvedTargets {
  targets: Int32Array;
  numClasses: number;
}

/**
 * One class index per item: the given class(es), validated against the model's number of
 * outputs, or each item's predicted class (argmax, ties to the lower index).
 */
export async function resolveTargets(
  model: ResolvedModel,
  x: tf.Tensor,
  target: Target,
  where: string,
): Promise<ResolvedTargets> {
  const n = x.shape[0]!;
  if (target === undefined) {
    const scores = tf.tidy(() => asScoreMatrix(model.forward(x), n, where));
    const numClasses = scores.shape[1];
    const data = await scores.data();
    scores.dispose();
    return { targets: argmaxRows(data, n, numClasses, where), numClasses };
  }
  const numClasses = await countClasses(model, x, where);
  return { targets: checkTargets(target, n, numClasses, where), numClasses };
}

/** An explicit target expanded to one index per item and checked against the number of classes. */
export function checkTargets(
  target: Exclude<Target, undefined>,
  n: number,
  numClasses: number,
  where: string,
): Int32Array {
  const targets = explicitTargets(target, n, where);
  for (let i = 0; i < n; i++) {
    const t = targets[i]!;
    if (t < 0 || t >= numClasses) {
      const which = typeof target === 'number' ? 'target' : `target[${i}]`;
      throw new InterpError(
        'LABEL_OUT_OF_RANGE',
        `${where}: ${which} = ${t} is out of range: the model has ${numClasses} output${numClasses === 1 ? '' : 's'} (classes 0..${numClasses - 1})`,
      );
    }
  }
  return targets;
}

function explicitTargets(target: Exclude<Target, undefined>, n: number, where: string): Int32Array {
  if (typeof target === 'number') {
    if (!Number.isInteger(target)) {
      throw new InterpError(
        'LABEL_OUT_OF_RANGE',
        `${where}: target must be an integer class index, got ${target}`,
      );
    }
    return new Int32Array(n).fill(target);
  }
  if (!(Array.isArray(target) || target instanceof Int32Array)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: target must be a class index, an array with one index per item, or undefined for the predicted class; got ${describe(target)}`,
    );
  }
  if (target.length !== n) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: target has ${target.length} entries for ${n} items; pass one class index per item or a single index`,
    );
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const t = target[i]!;
    if (!Number.isInteger(t)) {
      throw new InterpError(
        'LABEL_OUT_OF_RANGE',
        `${where}: target[${i}] = ${t} is not an integer class index`,
      );
    }
    out[i] = t;
  }
  return out;
}

async function countClasses(model: ResolvedModel, x: tf.Tensor, where: string): Promise<number> {
  const { graph } = model;
  const shape = graph.outputShape;
  if (graph.kind !== 'function') {
    if (shape.length === 1) return 1;
    if (shape.length === 2 && shape[1] !== null) return shape[1]!;
  }
  // A plain function declares nothing (nor does a graph with a free class axis): evaluate one item.
  const cols = tf.tidy(() => {
    const first = tf.slice(x, 0, 1);
    return asScoreMatrix(model.forward(first), 1, where).shape[1];
  });
  return cols;
}

/** Row-wise argmax with ties to the lower index; a NaN score is an error, not a silent class 0. */
export function argmaxRows(
  data: ArrayLike<number>,
  n: number,
  c: number,
  where: string,
): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < c; j++) {
      const v = data[i * c + j]!;
      if (Number.isNaN(v)) {
        throw new InterpError(
          'NON_FINITE',
          `${where}: the model's output for item ${i} has NaN at class ${j}; check the model and the input`,
        );
      }
      if (v > bestValue || j === 0) {
        best = j;
        bestValue = v;
      }
    }
    out[i] = best;
  }
  return out;
}

/**
 * The [rows, C] matrix that picks each row's target score: `weights[r]` at `targets[r]`, 0
 * elsewhere. Multiplying the model's output by it and summing gives the weighted sum of target
 * scores, whose gradient is each row's weighted target gradient.
 */
export function targetMask(
  targets: ArrayLike<number>,
  numClasses: number,
  weights?: ArrayLike<number>,
): tf.Tensor2D {
  const rows = targets.length;
  const data = new Float32Array(rows * numClasses);
  for (let r = 0; r < rows; r++) data[r * numClasses + targets[r]!] = weights ? weights[r]! : 1;
  return tf.tensor2d(data, [rows, numClasses]);
}
