import * as tf from '@tensorflow/tfjs-core';
import { resolveModel } from './internal/resolve-model.js';
import { targetGradient } from './internal/target-gradient.js';
import { resolveTargets, targetMask } from './internal/targets.js';
import { validateInput } from './internal/validate-input.js';
import type { AttributionModel, Target } from './types.js';

/** Options of {@link saliencyMap}. */
export interface SaliencyMapOptions {
  /** Class to explain: an index, one per item, or (default) each item's predicted class. */
  target?: Target;
  /** Return |gradient| (Captum's default) rather than the signed gradient. */
  abs?: boolean;
}

/** Defaults of {@link saliencyMap}, written once. */
export const saliencyMapDefaults = { abs: true } as const;

/**
 * Saliency (Simonyan et al., Captum's `Saliency`): the gradient of each item's target score with
 * respect to its input, in absolute value by default. One forward and backward pass for the whole
 * batch. The result has x's shape and is the caller's to dispose.
 *
 * @example
 * ```ts
 * const sal = await saliencyMap(learn, images, { target: 3 }); // [N, 28, 28, 1]
 * sal.dispose();
 * ```
 */
export async function saliencyMap(
  model: AttributionModel,
  x: tf.Tensor,
  options: SaliencyMapOptions = {},
): Promise<tf.Tensor> {
  const where = 'saliencyMap';
  const { target, abs = saliencyMapDefaults.abs } = options;
  const m = resolveModel(model, where);
  const input = validateInput(x, where, m.graph);
  try {
    const { targets, numClasses } = await resolveTargets(m, input.x, target, where);
    return tf.tidy(() => {
      const grad = targetGradient(m, input.x, targetMask(targets, numClasses), where);
      return abs ? tf.abs(grad) : grad;
    });
  } finally {
    if (input.owned) input.x.dispose();
  }
}
