import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { InterpError } from './errors.js';
import { withoutFilterGradients } from './kernels/skip-filter-gradients.js';
import { planLayerChain, runLayerChain } from './layer-chain.js';
import { planLayerDag, runLayerDag } from './layer-dag.js';
import { UnsupportedAtRuntime } from './layer-step-parts.js';
import { layersModelOf } from './layers-internals.js';
import type { ModelGraph } from './model-graph/model-graph.js';
import { type GraphSource, toModelGraph } from './model-graph/to-model-graph.js';
import { describe, keyword } from './validate.js';

/**
 * Whose score is differentiated: one class index for every item, one index per item, or a
 * tensor of weights shaped like the model's outputs (the score is then `sum(outputs * weights)`).
 *
 * @example
 * ```ts
 * const t: InputGradientTarget = [3, 7]; // item 0's score for class 3, item 1's for class 7
 * ```
 */
export type InputGradientTarget = number | readonly number[] | Int32Array | tf.Tensor;

/** How {@link targetInputGradient} computes the gradient. */
export type InputGradientMethod = 'auto' | 'tape';

/** Options of {@link targetInputGradient}. */
export interface TargetInputGradientOptions {
  /** One weight per item for its target score (class-index targets only); default 1 each. */
  weights?: ArrayLike<number>;
  /**
   * `'auto'`: one forward pass and a hand-written backward pass when the model is made of
   * supported tfjs-layers layers (a chain or a graph) or its model graph offers one (ONNX, GraphModel), tf.grad
   * otherwise; `'tape'`: always tf.grad.
   */
  method?: InputGradientMethod;
}

/** Defaults of {@link targetInputGradient}, written once. */
export const targetInputGradientDefaults = Object.freeze({ method: 'auto' } as const);

const METHODS: readonly InputGradientMethod[] = ['auto', 'tape'];

/** What {@link targetInputGradient} returns; both tensors are the caller's to dispose. */
export interface TargetInputGradient {
  /** d(sum_i weight_i * outputs[i, target_i]) / dx, shaped like x. */
  gradient: tf.Tensor;
  /** The model's outputs for x, from the same forward pass (for predictions). */
  outputs: tf.Tensor;
  /**
   * `'layers'` when the hand-written backward pass of a layers model ran, `'graph'` when the model
   * graph's own (`ModelGraph.inputGradient`), `'tape'` when tf.grad did.
   */
  method: 'layers' | 'graph' | 'tape';
}

/**
 * The gradient of each item's target score with respect to the input, and the outputs of the
 * same forward pass: what saliency maps, gradient x input and Integrated Gradients need. Rows are
 * independent (inference mode), so one call serves a whole batch.
 *
 * For a tfjs-layers model (a chain, or a graph with fan-out, residual Add and Concatenate, as
 * MobileNetV2, InceptionV3 and ResNets) of Conv2D (any stride, padding or dilation; linear, ReLU,
 * ReLU6, sigmoid, tanh or softmax activation), DepthwiseConv2D, ZeroPadding2D, MaxPooling2D,
 * AveragePooling2D, global pooling, Flatten, Reshape, Dense, Dropout, ReLU (also capped, as
 * ReLU6)/Activation/Softmax, BatchNormalization and InputLayer layers, it runs the forward pass once (fused conv + bias + ReLU, as `predict` does) and a
 * hand-written backward pass with the same kernels tf.grad uses, without the gradient tape. Any
 * other model or layer goes through tf.grad. Both give the same numbers up to float rounding.
 *
 * @example
 * ```ts
 * const { gradient, outputs } = targetInputGradient(model, images, [3, 1, 4]);
 * const saliency = tf.abs(gradient);
 * tf.dispose([gradient, outputs]);
 * ```
 */
export function targetInputGradient(
  model: GraphSource,
  x: tf.Tensor,
  target: InputGradientTarget,
  options: TargetInputGradientOptions = {},
): TargetInputGradient {
  const where = 'targetInputGradient';
  const method = keyword(options.method, 'method', METHODS, targetInputGradientDefaults.method);
  const { layersModel, graph, forward } = resolveModel(model, where);
  checkInput(x, layersModel, graph, where);
  const seed = seedFor(target, options.weights, x.shape[0]!, where);
  if (method === 'auto' && layersModel !== undefined && !insideGradient()) {
    const run = tapeFreeRun(layersModel);
    if (run !== undefined) {
      try {
        const result = tf.tidy(() => run(x, seed));
        return { ...ownedBy(result, x, target), method: 'layers' };
      } catch (e) {
        if (!(e instanceof UnsupportedAtRuntime)) throw e;
      }
    }
  }
  if (method === 'auto' && layersModel === undefined && graph.inputGradient && !insideGradient()) {
    const result = graph.inputGradient(x, seed);
    if (result !== undefined) return { ...ownedBy(result, x, target), method: 'graph' };
  }
  let outputs: tf.Tensor | undefined;
  let invalid: unknown;
  const differentiate = (z: tf.Tensor) => {
    const out = forward(z);
    let weights: tf.Tensor;
    try {
      weights = seed(out);
    } catch (e) {
      // Throwing inside tf.grad leaks the tensors its tape saved: finish with a dummy score.
      invalid = e;
      return tf.mul(tf.sum(z), 0);
    }
    const score = tf.sum(tf.mul(out, weights));
    outputs = tf.keep(out === z ? tf.clone(out) : out);
    return score;
  };
  // A layers model's filters are weights, never functions of x: their gradients are not needed.
  const gradient =
    layersModel !== undefined && !insideGradient()
      ? withoutFilterGradients(() => tf.grad(differentiate)(x))
      : tf.grad(differentiate)(x);
  if (invalid !== undefined) {
    gradient.dispose();
    throw invalid;
  }
  return { gradient, outputs: outputs!, method: 'tape' };
}

type TapeFreeRun = (
  x: tf.Tensor,
  seed: (outputs: tf.Tensor) => tf.Tensor,
) => { outputs: tf.Tensor; gradient: tf.Tensor };

/** The hand-written forward and backward pass: a chain's when it is one, else the graph walk's. */
function tapeFreeRun(model: LayersModel): TapeFreeRun | undefined {
  const chain = planLayerChain(model);
  if (chain !== undefined) return (x, seed) => runLayerChain(chain, x, seed);
  const dag = planLayerDag(model);
  return dag && ((x, seed) => runLayerDag(dag, x, seed));
}

/** Gradient and outputs that never alias the caller's x or target tensor. */
function ownedBy(
  result: { outputs: tf.Tensor; gradient: tf.Tensor },
  x: tf.Tensor,
  target: InputGradientTarget,
): { outputs: tf.Tensor; gradient: tf.Tensor } {
  const own = (t: tf.Tensor) => (t === x || t === target ? tf.clone(t) : t);
  return { outputs: own(result.outputs), gradient: own(result.gradient) };
}

function insideGradient(): boolean {
  // Under an outer tf.grad the caller may differentiate this gradient again: only the tape can.
  return (tf.engine().state as unknown as { gradientDepth: number }).gradientDepth > 0;
}

/**
 * How a model runs here: the tfjs-layers model behind it (for the tape-free path) and its forward
 * pass through the same model graph that getPreds and attribution run, so a Learner (or a graph,
 * or a function) computes the same outputs everywhere.
 */
function resolveModel(
  model: GraphSource,
  where: string,
): {
  layersModel: LayersModel | undefined;
  graph: ModelGraph;
  forward: (x: tf.Tensor) => tf.Tensor;
} {
  const graph = toModelGraph(model, where);
  return { layersModel: layersModelOf(model), graph, forward: (x) => graph.predict(x) };
}

function checkInput(
  x: unknown,
  layersModel: LayersModel | undefined,
  graph: ModelGraph,
  where: string,
): void {
  if (!(x instanceof tf.Tensor)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: x must be a tfjs tensor with items along axis 0, got ${describe(x)}`,
    );
  }
  if (x.isDisposed) throw new InterpError('INVALID_ARGUMENT', `${where}: x has been disposed`);
  if (x.dtype !== 'float32') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: x has dtype ${x.dtype}; gradients need float32 inputs (use tf.cast(x, 'float32'))`,
    );
  }
  if (x.rank < 1) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: x is a scalar; pass a batch [N, ...item shape] (add a batch axis with tf.expandDims(x, 0))`,
    );
  }
  if (x.size === 0) {
    throw new InterpError('EMPTY_INPUT', `${where}: x is empty (shape [${x.shape.join(', ')}])`);
  }
  let expected: readonly (number | null)[];
  if (layersModel !== undefined) {
    const inputs = layersModel.inputs;
    if (inputs?.length !== 1) {
      throw new InterpError(
        'NOT_SUPPORTED',
        `${where}: the model has ${inputs?.length ?? 0} inputs; input gradients need a model with one input`,
      );
    }
    expected = inputs[0]!.shape;
  } else if (graph.kind === 'graph-model' && graph.inputShape.length > 0) {
    // A converted model declares its input shape (ONNX models check theirs, naming the layout).
    expected = graph.inputShape;
  } else {
    return;
  }
  const fits =
    expected.length === x.rank &&
    expected.every((d, i) => i === 0 || d === null || d === x.shape[i]);
  if (!fits) {
    const want = expected.map((d) => (d === null ? 'N' : String(d))).join(', ');
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: x has shape [${x.shape.join(', ')}] but the model expects [${want}]; reshape the input to the model's input shape`,
    );
  }
}

/**
 * Validates the target now (what can be checked without the outputs) and returns the function
 * that, given the outputs, builds d(score)/d(outputs): a new float32 tensor shaped like them.
 */
function seedFor(
  target: unknown,
  weights: ArrayLike<number> | undefined,
  n: number,
  where: string,
): (outputs: tf.Tensor) => tf.Tensor {
  if (target instanceof tf.Tensor) {
    if (weights !== undefined) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${where}: weights go with class-index targets; with a target tensor, put the weights in the tensor`,
      );
    }
    if (target.isDisposed) {
      throw new InterpError('INVALID_ARGUMENT', `${where}: the target tensor has been disposed`);
    }
    if (target.dtype === 'string' || target.dtype === 'complex64') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${where}: the target tensor must be numeric, got dtype ${target.dtype}`,
      );
    }
    return (outputs) => {
      const same = sameShape(target.shape, outputs.shape);
      const column = outputs.rank === 1 && sameShape(target.shape, [outputs.shape[0]!, 1]);
      if (!same && !column) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `${where}: the target tensor has shape [${target.shape.join(', ')}] but the model's outputs have shape [${outputs.shape.join(', ')}]; pass weights shaped like the outputs`,
        );
      }
      return tf.reshape(tf.cast(target, 'float32'), outputs.shape);
    };
  }
  const targets = targetIndices(target, n, where);
  const w = weights === undefined ? undefined : checkWeights(weights, n, where);
  return (outputs) => {
    if (outputs.shape[0] !== n) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${where}: the model returned ${outputs.shape[0]} rows for ${n} inputs; it must return one row per item`,
      );
    }
    if (outputs.rank > 2) {
      throw new InterpError(
        'NOT_SUPPORTED',
        `${where}: the model's outputs have shape [${outputs.shape.join(', ')}], with no single class axis; pass a target tensor of weights shaped like the outputs`,
      );
    }
    const classes = outputs.rank === 1 ? 1 : outputs.shape[1]!;
    const data = new Float32Array(n * classes);
    for (let i = 0; i < n; i++) {
      const t = targets[i]!;
      if (t >= classes) {
        const which = typeof target === 'number' ? 'target' : `target[${i}]`;
        throw new InterpError(
          'LABEL_OUT_OF_RANGE',
          `${where}: ${which} = ${t} is out of range: the model has ${classes} output${classes === 1 ? '' : 's'} (classes 0..${classes - 1})`,
        );
      }
      data[i * classes + t] = w === undefined ? 1 : w[i]!;
    }
    return tf.tensor(data, outputs.shape, 'float32');
  };
}

function targetIndices(target: unknown, n: number, where: string): Int32Array {
  const check = (t: unknown, which: string) => {
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 0) {
      throw new InterpError(
        'LABEL_OUT_OF_RANGE',
        `${where}: ${which} = ${describe(t)} is not a class index (an integer >= 0)`,
      );
    }
    return t;
  };
  if (typeof target === 'number') return new Int32Array(n).fill(check(target, 'target'));
  if (Array.isArray(target) || target instanceof Int32Array) {
    if (target.length !== n) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${where}: target has ${target.length} entries for ${n} items; pass one class index per item or a single index`,
      );
    }
    return Int32Array.from(target as ArrayLike<number>, (t, i) => check(t, `target[${i}]`));
  }
  throw new InterpError(
    'INVALID_ARGUMENT',
    `${where}: target must be a class index, one index per item, or a tensor of weights shaped like the outputs; got ${describe(target)}`,
  );
}

function checkWeights(weights: ArrayLike<number>, n: number, where: string): ArrayLike<number> {
  if (typeof weights !== 'object' || weights === null || typeof weights.length !== 'number') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: weights must be an array with one number per item, got ${describe(weights)}`,
    );
  }
  if (weights.length !== n) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: weights has ${weights.length} entries for ${n} items; pass one weight per item`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (typeof weights[i] !== 'number' || !Number.isFinite(weights[i])) {
      throw new InterpError(
        'NON_FINITE',
        `${where}: weights[${i}] = ${describe(weights[i])} is not a finite number`,
      );
    }
  }
  return weights;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
