import type * as tf from '@tensorflow/tfjs-core';
import { oneCall } from './internal/one-call.js';
import { Saliency, type SaliencyAttributeOptions, saliencyDefaults } from './saliency.js';
import type { AttributionModel } from './types.js';

/** Options of {@link saliencyMap}: those of {@link Saliency.attribute}. */
export type SaliencyMapOptions = SaliencyAttributeOptions;

/** Defaults of {@link saliencyMap}: {@link Saliency}'s. */
export const saliencyMapDefaults = saliencyDefaults;

/**
 * Saliency as one function call: `new Saliency(model).attribute(x, options)` (Captum's
 * `Saliency`; |gradient| of each item's target score by default). The result has x's shape and
 * is the caller's to dispose.
 *
 * @example
 * ```ts
 * const sal = await saliencyMap(learn, images, { target: 3 }); // [N, 28, 28, 1]
 * sal.dispose();
 * ```
 */
export const saliencyMap: (
  model: AttributionModel,
  x: tf.Tensor,
  options?: SaliencyMapOptions,
) => Promise<tf.Tensor> = oneCall(Saliency);
