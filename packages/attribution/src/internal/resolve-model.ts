import { InterpError, Learner } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { AttributionModel } from '../types.js';

/** A model reduced to what the attribution methods need. */
export interface ResolvedModel {
  /** Raw outputs in inference mode; the caller disposes. */
  forward(x: tf.Tensor): tf.Tensor;
  /** The tfjs-layers model, when there is one (GradCAM needs it). */
  layersModel: LayersModel | undefined;
}

export function resolveModel(model: AttributionModel, where: string): ResolvedModel {
  if (model instanceof Learner) {
    return { forward: (x) => model.predict(x), layersModel: model.layersModel };
  }
  if (isLayersModel(model)) {
    return {
      forward: (x) => model.apply(x, { training: false }) as tf.Tensor,
      layersModel: model,
    };
  }
  if (typeof model === 'function') {
    return { forward: (x) => model(x), layersModel: undefined };
  }
  if (isLearnerLike(model)) {
    const learner = model as unknown as Learner;
    return { forward: (x) => learner.predict(x), layersModel: learner.layersModel };
  }
  throw new InterpError(
    'INVALID_ARGUMENT',
    `${where}: the model must be a Learner, a tfjs-layers LayersModel or a function (x) => y`,
  );
}

export function isLayersModel(m: unknown): m is LayersModel {
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof (m as LayersModel).apply === 'function' &&
    Array.isArray((m as LayersModel).layers)
  );
}

// A Learner from another copy of @interp/core fails instanceof but still has predict.
function isLearnerLike(m: unknown): boolean {
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof (m as Learner).predict === 'function' &&
    'dls' in (m as object)
  );
}

/**
 * Turns a model output into an [N, C] matrix: a 1-D output (one score per item) becomes [N, 1].
 * Higher-rank outputs have no single class axis, so they are refused.
 */
export function asScoreMatrix(out: tf.Tensor, n: number, where: string): tf.Tensor2D {
  if (out.shape[0] !== n) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: the model returned ${out.shape[0]} rows for ${n} inputs; it must return one row per item`,
    );
  }
  if (out.rank === 1) return tf.reshape(out, [n, 1]);
  if (out.rank === 2) return out as tf.Tensor2D;
  throw new InterpError(
    'NOT_SUPPORTED',
    `${where}: the model's output has shape [${out.shape.join(', ')}]; attribution needs one score vector per item ([N, C] or [N])`,
  );
}
