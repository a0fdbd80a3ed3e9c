import { InterpError, type ModelGraph, toModelGraph } from '@interp/core';
import { isLayersModel } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { AttributionModel } from '../types.js';

/** A model reduced to what the attribution methods need. */
export interface ResolvedModel {
  /** The model graph every method runs (taps and hooks for GradCAM). */
  graph: ModelGraph;
  /** Raw outputs in inference mode; the caller disposes. */
  forward(x: tf.Tensor): tf.Tensor;
  /**
   * The tfjs-layers model, when there is one: core's targetInputGradient then takes its
   * tape-free fast path, and a layer index names one of its `layers`.
   */
  layersModel: LayersModel | undefined;
}

export function resolveModel(model: AttributionModel, where: string): ResolvedModel {
  const graph = toModelGraph(model, where);
  const layersModel = isLayersModel(model)
    ? model
    : graph.kind === 'layers'
      ? (model as { layersModel?: LayersModel }).layersModel
      : undefined;
  return { graph, forward: (x) => graph.predict(x), layersModel };
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
