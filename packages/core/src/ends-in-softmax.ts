import type { LayersModel } from '@tensorflow/tfjs-layers';

interface LayerLike {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  layers?: LayerLike[];
}

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
    outputs?.length === 1 ? outputs[0] : outputs?.length ? undefined : model.layers.at(-1);
  while (layer?.layers?.length) layer = layer.layers.at(-1);
  if (!layer) return false;
  if (layer.getClassName() === 'Softmax') return true;
  try {
    return layer.getConfig().activation === 'softmax';
  } catch {
    // A custom layer whose config cannot be read: assume logits, the documented default.
    return false;
  }
}
