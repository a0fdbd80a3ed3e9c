import { InterpError, type ModelGraph, type NodeHook } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { validateInput } from './validate-input.js';

/**
 * Which neuron a neuron method explains: an index tuple into the layer's output without the
 * batch axis (`[c, h, w]` for an NCHW feature map, `[j]` for a dense layer), or a function
 * from the layer's output [N, ...] to one score per item [N] (Captum's callable selector).
 */
export type NeuronSelector = readonly number[] | ((layerOutput: tf.Tensor) => tf.Tensor);

/**
 * The selected neuron's value per item, [N]. An index tuple of the wrong length or out of range
 * throws INVALID_ARGUMENT naming the layer's shape.
 */
export function selectNeuron(
  output: tf.Tensor,
  selector: NeuronSelector,
  layer: string,
  where: string,
): tf.Tensor1D {
  const n = output.shape[0]!;
  if (typeof selector === 'function') {
    const picked = selector(output);
    if (!(picked instanceof tf.Tensor) || picked.size !== n) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${where}: the neuron selector must return one value per item ([${n}]) from layer ${JSON.stringify(layer)}'s output [${output.shape.join(', ')}], got ${picked instanceof tf.Tensor ? `[${picked.shape.join(', ')}]` : describe(picked)}`,
      );
    }
    return tf.reshape(picked, [n]);
  }
  const flat = neuronOffset(output.shape.slice(1), selector, layer, where);
  return tf.reshape(tf.slice(tf.reshape(output, [n, -1]), [0, flat], [n, 1]), [n]);
}

/** Row-major offset of an index tuple within one item of shape `item`; validates it. */
export function neuronOffset(
  item: readonly number[],
  index: readonly number[],
  layer: string,
  where: string,
): number {
  const shape = `[${item.join(', ')}]`;
  if (!Array.isArray(index) || index.length !== item.length) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: neuron ${describe(index)} does not index layer ${JSON.stringify(layer)}, whose output per item has shape ${shape}; pass ${item.length} indices (no batch axis) or a selector function`,
    );
  }
  let offset = 0;
  for (let d = 0; d < item.length; d++) {
    const i = index[d]!;
    if (!Number.isInteger(i) || i < 0 || i >= item[d]!) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${where}: neuron [${index.join(', ')}] is out of range for layer ${JSON.stringify(layer)}, whose output per item has shape ${shape} (index ${d} must be in 0..${item[d]! - 1})`,
      );
    }
    offset = offset * item[d]! + i;
  }
  return offset;
}

/**
 * d(sum_r weights[r] * neuron_r) / dx, the neuron read from the layer's output (after any hook
 * on it, so a rule hooked on the layer itself applies). With `reference` the model runs on the
 * paired batch [x; reference] (DeepLift) and the neuron of every row is differentiated.
 */
export function neuronInputGradient(
  graph: ModelGraph,
  x: tf.Tensor,
  layer: string,
  selector: NeuronSelector,
  where: string,
  hooks: Readonly<Record<string, NodeHook>> = {},
  reference?: tf.Tensor,
  weights?: tf.Tensor,
): tf.Tensor {
  return tf.tidy(() =>
    tf.grad((z: tf.Tensor) => {
      const batch = reference === undefined ? z : tf.concat([z, reference], 0);
      // With a reference, both halves' neuron values are differentiated, as Captum's DeepLift
      // does: rules that mix the halves (max pool, softmax) pass the reference rows' share to x.
      const out = graph.run(batch, { taps: [layer], hooks }).taps[layer]!;
      const v = selectNeuron(out, selector, layer, where);
      return tf.sum(weights === undefined ? v : tf.mul(v, weights));
    })(x),
  );
}

/** Checks that `selector` is an index tuple or a function (before any work is done). */
export function checkNeuronSelector(selector: unknown, where: string): NeuronSelector {
  if (typeof selector === 'function') return selector as NeuronSelector;
  if (Array.isArray(selector) && selector.every((i) => typeof i === 'number')) return selector;
  throw new InterpError(
    'INVALID_ARGUMENT',
    `${where}: neuronSelector must be an index tuple into the layer's output without the batch axis (e.g. [2, 1, 2]) or a function from the layer's output to one value per item, got ${describe(selector)}`,
  );
}

/** A validated neuron-method call: x as float32, the selector, and what to free after. */
export interface NeuronCall {
  x: tf.Tensor;
  selector: NeuronSelector;
  release(): void;
}

/** Checks a neuron method's x, `neuronSelector` and `additionalForwardArgs`. */
export function prepareNeuronCall(
  graph: ModelGraph,
  layer: string,
  x: tf.Tensor,
  options: { neuronSelector: unknown; additionalForwardArgs?: readonly unknown[] } | undefined,
  where: string,
): NeuronCall {
  const selector = checkNeuronSelector(options?.neuronSelector, where);
  const extra = options?.additionalForwardArgs;
  if (extra !== undefined && !(Array.isArray(extra) && extra.length === 0)) {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${where}: additionalForwardArgs is not supported: interp's models take a single input tensor; fold extra inputs into the model (a closure) and pass only x`,
    );
  }
  const input = validateInput(x, where, graph);
  const release = () => {
    if (input.owned) input.x.dispose();
  };
  try {
    checkNeuronOnLayer(graph, input.x, layer, selector, where);
  } catch (e) {
    release();
    throw e;
  }
  return { x: input.x, selector, release };
}

/**
 * Selects the neuron on the layer's output for the first item, so a bad index or selector
 * fails here, before any gradient tape is open (an error thrown inside tf.grad leaks its tape).
 */
export function checkNeuronOnLayer(
  graph: ModelGraph,
  x: tf.Tensor,
  layer: string,
  selector: NeuronSelector,
  where: string,
): void {
  tf.tidy(() => {
    const out = graph.run(tf.slice(x, 0, 1), { taps: [layer] }).taps[layer]!;
    selectNeuron(out, selector, layer, where);
  });
}
