import type { GraphModel } from '@tensorflow/tfjs-converter';
import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { InterpError } from '../errors.js';
import { isLayersModel } from '../layers-internals.js';
import type { Learner, ModelFunction } from '../learner.js';
import { describe } from '../validate.js';
import { functionGraph } from './function-graph.js';
import { graphModelGraph, isGraphModel } from './graph-model-graph.js';
import { layersModelGraph } from './layers-model-graph.js';
import type { ModelGraph } from './model-graph.js';

/** Anything interp can run as a {@link ModelGraph}. */
export type GraphSource = ModelGraph | Learner | LayersModel | GraphModel | ModelFunction;

/**
 * The model graph of a model: a {@link ModelGraph} as it is (an ONNX model from `@interp/onnx`,
 * a hand-made graph), a Learner's model, a tfjs-layers LayersModel ({@link layersModelGraph}) or
 * a function ({@link functionGraph}). Every model-running feature starts here, so each accepts
 * all of these.
 *
 * @example
 * ```ts
 * const graph = toModelGraph(learn);
 * const out = graph.predict(x);
 * ```
 */
export function toModelGraph(model: GraphSource, where = 'toModelGraph'): ModelGraph {
  if (isModelGraph(model)) return model;
  if (isLayersModel(model)) return layersModelGraph(model);
  if (isGraphModel(model)) return graphModelGraph(model);
  // A Learner (also one from another copy of this package): its layers model, else its predict.
  if (isLearnerLike(model)) {
    const learner = model;
    if (isLayersModel(learner.layersModel)) return layersModelGraph(learner.layersModel);
    if (isModelGraph(learner.modelGraph)) return learner.modelGraph;
    return functionGraph((x: tf.Tensor) => learner.predict(x));
  }
  if (typeof model === 'function') return functionGraph(model);
  throw new InterpError(
    'INVALID_ARGUMENT',
    `${where}: the model must be a Learner, a tfjs-layers LayersModel, a ModelGraph (e.g. from loadOnnxModel) or a function (x) => y; got ${describe(model)}`,
  );
}

/**
 * True for a {@link ModelGraph} (checked by shape, so graphs built by other copies of interp
 * count too).
 *
 * @example
 * ```ts
 * if (isModelGraph(m)) m.findNode('conv1');
 * ```
 */
export function isModelGraph(m: unknown): m is ModelGraph {
  const g = m as ModelGraph;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof g.run === 'function' &&
    typeof g.predict === 'function' &&
    typeof g.findNode === 'function' &&
    hasNodes(g)
  );
}

/**
 * An array `nodes`, or a getter for it, which is not called: an ONNX model infers its nodes'
 * shapes on the first read (two dry runs of the whole model), which a type check must not cost.
 */
function hasNodes(m: object): boolean {
  for (let o: object | null = m; o !== null; o = Object.getPrototypeOf(o)) {
    const own = Object.getOwnPropertyDescriptor(o, 'nodes');
    if (own !== undefined) return own.get !== undefined || Array.isArray(own.value);
  }
  return false;
}

function isLearnerLike(m: unknown): m is Learner {
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof (m as Learner).predict === 'function' &&
    'dls' in (m as object)
  );
}
