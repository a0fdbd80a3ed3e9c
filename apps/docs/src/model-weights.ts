import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

/**
 * Sets a model's weights from arrays in `model.getWeights()` order, one per weight or all in one
 * flat array (the hero's committed .bin file). Throws when the sizes do not match the model.
 *
 * @example
 * ```ts
 * const model = mnistClassifier();
 * setWeightsFrom(model, new Float32Array(await (await fetch(url)).arrayBuffer()));
 * ```
 */
export function setWeightsFrom(model: LayersModel, weights: Float32Array | Float32Array[]): void {
  // Weight shapes are fully known (no batch axis), so the casts only drop tfjs's null.
  const shapes = model.weights.map((w) => w.shape as number[]);
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  let parts: Float32Array[];
  if (Array.isArray(weights)) {
    parts = weights;
  } else {
    if (weights.length !== total) {
      throw new Error(
        `the weights file has ${weights.length} values; model ${model.name} has ${total}`,
      );
    }
    let k = 0;
    parts = sizes.map((n) => weights.subarray(k, (k += n)));
  }
  if (parts.length !== shapes.length || parts.some((p, i) => p.length !== sizes[i])) {
    throw new Error(`the weights do not fit model ${model.name} (${shapes.length} weights)`);
  }
  const tensors = parts.map((p, i) => tf.tensor(p, shapes[i]));
  model.setWeights(tensors);
  tf.dispose(tensors);
}
