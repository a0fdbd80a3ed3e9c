import * as tf from '@tensorflow/tfjs-core';
import {
  type LayerTarget,
  layerMethodTarget,
  withTargetLayerGradient,
} from './internal/layer-gradient.js';
import type { LayerMethodOptions } from './layer-activation.js';
import type { AttributeOptions, Attribution, AttributionModel } from './types.js';

/** Options of the {@link LayerGradientXActivation} constructor. */
export interface LayerGradientXActivationOptions extends LayerMethodOptions {
  /** Multiply the gradient by the activation (Captum's `multiply_by_inputs`); false: the layer gradient. */
  multiplyByInputs?: boolean;
}

/** Defaults of {@link LayerGradientXActivation}, written once. */
export const layerGradientXActivationDefaults = Object.freeze({ multiplyByInputs: true } as const);

/**
 * Captum's `LayerGradientXActivation`: the gradient of each item's target score with respect to
 * the layer's output, times that output. [N, ...layer shape], the caller's to dispose.
 *
 * @example
 * ```ts
 * const gxa = new LayerGradientXActivation(model, { layer: 'block.relu2' });
 * const attr = await gxa.attribute(x, { target: 0 }); // [N, C, H, W] for an NCHW layer
 * attr.dispose();
 * ```
 */
export class LayerGradientXActivation implements Attribution {
  readonly multiplyByInputs: boolean;
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: LayerGradientXActivationOptions) {
    this.target = layerMethodTarget(model, options, 'LayerGradientXActivation');
    this.multiplyByInputs =
      options.multiplyByInputs ?? layerGradientXActivationDefaults.multiplyByInputs;
  }

  async attribute(x: tf.Tensor, options: AttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'LayerGradientXActivation.attribute';
    return withTargetLayerGradient(this.target, x, options, where, (acts, grads) =>
      this.multiplyByInputs ? tf.mul(grads, acts) : grads,
    );
  }
}
