import * as tf from '@tensorflow/tfjs-core';
import { prepareCall } from './internal/prepare-call.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import { targetGradient } from './internal/target-gradient.js';
import { targetMask } from './internal/targets.js';
import type { AttributeOptions, Attribution, AttributionModel } from './types.js';

/**
 * Input x gradient (Captum's `InputXGradient`): the gradient of each item's target score with
 * respect to its input, multiplied elementwise by the input. One forward and backward pass for
 * the whole batch. The result has x's shape and is the caller's to dispose.
 *
 * @example
 * ```ts
 * const gxi = await new InputXGradient(model).attribute(images); // each predicted class
 * gxi.dispose();
 * ```
 */
export class InputXGradient implements Attribution {
  private readonly model: ResolvedModel;

  constructor(model: AttributionModel) {
    this.model = resolveModel(model, 'InputXGradient');
  }

  async attribute(x: tf.Tensor, options: AttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'InputXGradient.attribute';
    const call = await prepareCall(this.model, x, options, where);
    try {
      return tf.tidy(() => {
        const mask = targetMask(call.targets, call.numClasses);
        return tf.mul(targetGradient(this.model, call.x, mask, where), call.x);
      });
    } finally {
      call.release();
    }
  }
}
