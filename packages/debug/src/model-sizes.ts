import { isModelGraph, type Learner, type ModelGraph } from '@interp/core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { graphTable } from './internal/graph-table.js';
import { layerTable, type OutputShape } from './internal/layer-table.js';
import { learnerOrModel } from './internal/model-layers.js';

/** Options of {@link modelSizes}. */
export interface ModelSizesOptions {
  /** Input shape to measure with (see `summary`); default the model's static shapes. */
  inputSize?: readonly number[];
}

/** One layer's sizes. */
export interface LayerSize {
  name: string;
  type: string;
  outputShape: OutputShape;
  params: number;
  /** Bytes of the layer's weights. */
  paramBytes: number;
  /**
   * Bytes of the layer's output for one item (float32), the memory an activation takes per
   * item in a batch; with `inputSize`, for that whole input.
   */
  activationBytes: number;
}

/** What {@link modelSizes} returns. */
export interface ModelSizes {
  layers: LayerSize[];
  totalParamBytes: number;
  totalActivationBytes: number;
}

/**
 * Per-layer output shapes and memory, as fastai's `model_sizes` plus bytes: parameter bytes
 * from each layer's weights, activation bytes from its output shape (per item unless
 * `inputSize` gives a batch). Takes a Learner, a LayersModel or a model graph (an ONNX model:
 * one row per node; a size the graph does not know counts 0 bytes).
 *
 * @example
 * ```ts
 * const { layers, totalParamBytes } = modelSizes(learn);
 * layers[0]; // { name: 'conv2d_1', outputShape: [null, 26, 26, 16], params: 160, paramBytes: 640, activationBytes: 43264, ... }
 * ```
 */
export function modelSizes(
  learn: Learner | LayersModel | ModelGraph,
  options: ModelSizesOptions = {},
): ModelSizes {
  // A learner around a model graph (new Learner(onnxModel, { dls })) is measured as its graph.
  const wrapped = (learn as Partial<Learner>).modelGraph;
  const model = isModelGraph(wrapped) ? wrapped : learn;
  const graph = isModelGraph(model);
  const rows = graph
    ? graphTable(model, options.inputSize)
    : layerTable(learnerOrModel(model, 'modelSizes').model, options.inputSize);
  const elements = (shape: OutputShape): number => {
    if (shape.length === 0) return 0;
    // A size a graph does not know (`[null]`, or a free axis past the batch axis) counts 0.
    if (graph && (shape.length === 1 || (shape as (number | null)[]).slice(1).includes(null))) {
      return 0;
    }
    if (Array.isArray(shape[0]))
      return (shape as (number | null)[][]).reduce((a, s) => a + elements(s), 0);
    return (shape as (number | null)[]).reduce<number>((a, d) => a * (d ?? 1), 1);
  };
  const layers = rows.map((r) => ({
    name: r.name,
    type: r.type,
    outputShape: r.outputShape,
    params: r.params,
    paramBytes: r.paramBytes,
    activationBytes: elements(r.outputShape) * 4,
  }));
  return {
    layers,
    totalParamBytes: layers.reduce((a, l) => a + l.paramBytes, 0),
    totalActivationBytes: layers.reduce((a, l) => a + l.activationBytes, 0),
  };
}
