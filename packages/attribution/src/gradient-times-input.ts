import type * as tf from '@tensorflow/tfjs-core';
import { InputXGradient } from './input-x-gradient.js';
import { oneCall } from './internal/one-call.js';
import type { AttributeOptions, AttributionModel } from './types.js';

/** Options of {@link gradientTimesInput}: those of {@link InputXGradient.attribute}. */
export type GradientTimesInputOptions = AttributeOptions;

/**
 * Gradient x input as one function call: `new InputXGradient(model).attribute(x, options)`
 * (Captum's `InputXGradient`). The result has x's shape and is the caller's to dispose.
 *
 * @example
 * ```ts
 * const gxi = await gradientTimesInput(learn, images); // explains each predicted class
 * gxi.dispose();
 * ```
 */
export const gradientTimesInput: (
  model: AttributionModel,
  x: tf.Tensor,
  options?: GradientTimesInputOptions,
) => Promise<tf.Tensor> = oneCall(InputXGradient);
