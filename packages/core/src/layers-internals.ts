// The parts of tfjs-layers' Layer, Container, Node and SymbolicTensor that interp reads (public
// fields of those classes in tfjs-layers 4.x, used the way Container.runInternalGraph uses them),
// typed structurally so the user's copy of tfjs-layers is the one that runs. Type imports only:
// importing this module loads no tfjs. Exported through `@interp/core/internal` (not public API).
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/** A symbolic tensor of a tfjs-layers graph. */
export interface SymbolicTensorLike {
  id: number;
  name: string;
  /** Dimensions, null where unknown (the batch axis). */
  shape: (number | null)[];
  /** The layer whose output this is, and its inputs (a chain walk follows these). */
  sourceLayer: LayerLike;
  inputs: SymbolicTensorLike[];
  outputTensorIndex?: number;
}

/** A call of a layer inside a container (Container.nodesByDepth). */
export interface NodeLike {
  outboundLayer: LayerLike;
  inputTensors: SymbolicTensorLike[];
  outputTensors: SymbolicTensorLike[];
  callArgs?: Record<string, unknown>;
}

/** A layer weight, read with `read()`. */
export interface VariableLike {
  read(): tf.Tensor;
}

/** A tfjs-layers layer; per-class configuration (kernel, strides, ...) is read as unknown fields. */
export interface LayerLike {
  name: string;
  getClassName(): string;
  /** The layer's serializable options (`activation`, `units`, ...). */
  getConfig(): Record<string, unknown>;
  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
  countParams(): number;
  trainableWeights: { shape: readonly (number | null)[] }[];
  [field: string]: unknown;
}

/** A Sequential or functional model, which is also a layer when nested in another model. */
export interface ContainerLike extends LayerLike {
  inputs: SymbolicTensorLike[];
  outputs: SymbolicTensorLike[];
  nodesByDepth: Record<string, NodeLike[]>;
  layers: LayerLike[];
  build?: () => void;
  apply(x: tf.Tensor, kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[];
}

/**
 * True for a tfjs-layers model (Sequential or functional), judged by shape rather than
 * `instanceof` so that a model built with the user's own copy of tfjs-layers is recognised.
 *
 * @example
 * ```ts
 * isLayersModel(tf.sequential()); // true
 * isLayersModel((x) => x);        // false
 * ```
 */
export function isLayersModel(m: unknown): m is LayersModel {
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof (m as LayersModel).apply === 'function' &&
    Array.isArray((m as LayersModel).layers)
  );
}

/**
 * True for a layer that is a container (a model nested in a model), with its graph fields.
 *
 * @example
 * ```ts
 * model.layers.filter(isContainer); // the nested models
 * ```
 */
export function isContainer(layer: unknown): layer is ContainerLike {
  const g = layer as ContainerLike;
  return (
    typeof layer === 'object' &&
    layer !== null &&
    Array.isArray(g.layers) &&
    Array.isArray(g.inputs) &&
    Array.isArray(g.outputs)
  );
}

/**
 * The tfjs-layers model behind `model`: the model itself, or a Learner's (also one from another
 * copy of interp) `layersModel`; undefined for functions, graphs and learners around functions.
 * Every caller that needs a LayersModel (the tape-free input gradient, layer lookups) asks here,
 * so a Learner runs the same way everywhere.
 *
 * @example
 * ```ts
 * layersModelOf(learn); // learn.layersModel, when the learner wraps one
 * ```
 */
export function layersModelOf(model: unknown): LayersModel | undefined {
  if (isLayersModel(model)) return model;
  const inner = (model as { layersModel?: unknown } | null)?.layersModel;
  return isLayersModel(inner) ? inner : undefined;
}
