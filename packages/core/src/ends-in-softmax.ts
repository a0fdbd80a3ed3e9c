import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { LayerLike } from './layers-internals.js';

/**
 * True when a tfjs-layers model's output layer is a softmax: a `Softmax` layer, or an
 * `Activation` / `Dense` (or any layer with an `activation` option) set to `'softmax'`. Such a
 * model outputs probabilities, so the default loss must not apply softmax again (see Learner).
 * Looks into a nested Sequential that ends the model.
 *
 * @example
 * ```ts
 * const dense = tfl.layers.dense({ units: 3, inputShape: [2], activation: 'softmax' });
 * endsInSoftmax(tfl.sequential({ layers: [dense] })); // true
 * ```
 */
export function endsInSoftmax(model: LayersModel): boolean {
  const outputs = (model as unknown as { outputLayers?: LayerLike[] }).outputLayers;
  let layer: LayerLike | undefined =
    outputs?.length === 1
      ? outputs[0]
      : outputs?.length
        ? undefined
        : (model.layers.at(-1) as unknown as LayerLike | undefined);
  // A model nested last (a Sequential inside the model): its own last layer decides.
  while (Array.isArray(layer?.layers) && layer.layers.length > 0) {
    layer = (layer.layers as LayerLike[]).at(-1);
  }
  if (!layer) return false;
  if (layer.getClassName() === 'Softmax') return true;
  try {
    return layer.getConfig().activation === 'softmax';
  } catch {
    // A custom layer whose config cannot be read: assume logits, the documented default.
    return false;
  }
}
