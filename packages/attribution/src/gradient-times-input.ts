import * as tf from '@tensorflow/tfjs-core';
import { resolveModel } from './internal/resolve-model.js';
import { targetGradient } from './internal/target-gradient.js';
import { resolveTargets, targetMask } from './internal/targets.js';
import { validateInput } from './internal/validate-input.js';
import type { AttributionModel, Target } from './types.js';

/** Options of {@link gradientTimesInput}. */
export interface GradientTimesInputOptions {
  /** Class to explain: an index, one per item, or (default) each item's predicted class. */
  target?: Target;
}

/**
 * Gradient x input (Captum's `InputXGradient`): the gradient of each item's target score with
 * respect to its input, multiplied elementwise by the input. One forward and backward pass for
 * the whole batch. The result has x's shape and is the caller's to dispose.
 *
 * @example
 * ```ts
 * const gxi = await gradientTimesInput(learn, images); // explains each predicted class
 * gxi.dispose();
 * ```
 */
export async function gradientTimesInput(
  model: AttributionModel,
  x: tf.Tensor,
  options: GradientTimesInputOptions = {},
): Promise<tf.Tensor> {
  const where = 'gradientTimesInput';
  const m = resolveModel(model, where);
  const input = validateInput(x, where, m.graph);
  try {
    const { targets, numClasses } = await resolveTargets(m, input.x, options.target, where);
    return tf.tidy(() =>
      tf.mul(targetGradient(m, input.x, targetMask(targets, numClasses), where), input.x),
    );
  } finally {
    if (input.owned) input.x.dispose();
  }
}
