import { InterpError } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';

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
