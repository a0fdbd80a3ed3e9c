import * as tf from '@tensorflow/tfjs-core';
import { prepareCall } from './internal/prepare-call.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import { targetGradient } from './internal/target-gradient.js';
import { targetMask } from './internal/targets.js';
import type { AttributeOptions, Attribution, AttributionModel } from './types.js';

/** Options of {@link Saliency.attribute}. */
export interface SaliencyAttributeOptions extends AttributeOptions {
  /** Return |gradient| (Captum's default) rather than the signed gradient. */
  abs?: boolean;
}

/** Defaults of {@link Saliency.attribute}, written once. */
export const saliencyDefaults = Object.freeze({ abs: true } as const);

/**
 * Saliency (Simonyan et al. 2013; Captum's `Saliency`): the gradient of each item's target score
 * with respect to its input, in absolute value by default. One forward and backward pass for the
 * whole batch. The result has x's shape and is the caller's to dispose.
 *
 * @example
 * ```ts
 * const sal = await new Saliency(model).attribute(images, { target: 3 }); // like images
 * sal.dispose();
 * ```
 */
export class Saliency implements Attribution<SaliencyAttributeOptions> {
  private readonly model: ResolvedModel;

  constructor(model: AttributionModel) {
    this.model = resolveModel(model, 'Saliency');
  }

  async attribute(x: tf.Tensor, options: SaliencyAttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'Saliency.attribute';
    const abs = options.abs ?? saliencyDefaults.abs;
    const call = await prepareCall(this.model, x, options, where);
    try {
      return tf.tidy(() => {
        const mask = targetMask(call.targets, call.numClasses);
        const grad = targetGradient(this.model, call.x, mask, where);
        return abs ? tf.abs(grad) : grad;
      });
    } finally {
      call.release();
    }
  }
}
