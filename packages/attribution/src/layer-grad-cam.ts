import * as tf from '@tensorflow/tfjs-core';
import {
  type LayerTarget,
  layerMethodTarget,
  withTargetLayerGradient,
} from './internal/layer-gradient.js';
import type { LayerMethodOptions } from './layer-activation.js';
import type { AttributeOptions, Attribution, AttributionModel } from './types.js';

/** Options of {@link LayerGradCam.attribute}. */
export interface LayerGradCamAttributeOptions extends AttributeOptions {
  /** Keep only positive evidence (Captum's `relu_attributions`). */
  reluAttributions?: boolean;
  /** Sum the weighted channels into one map (Captum's `attr_dim_summation`); false keeps each channel. */
  attrDimSummation?: boolean;
}

/** Defaults of {@link LayerGradCam.attribute} (Captum's), written once. */
export const layerGradCamDefaults = Object.freeze({
  reluAttributions: false,
  attrDimSummation: true,
} as const);

/**
 * Captum's `LayerGradCam`: the gradients of the target score with respect to the layer's output
 * are averaged over the spatial axes into one weight per channel, and the map is
 * sum_c w_c A_c, not upsampled (see {@link GradCAM} for the upsampled, relu'd map). The channel
 * axis is the model's: axis 1 for NCHW graphs and 2-D outputs, the last axis for NHWC (tfjs)
 * graphs; the summed axis is kept with size 1 ([N, 1, H, W] or [N, H, W, 1]). A 2-D layer output
 * has no spatial axes: the gradient itself is the weight.
 *
 * @example
 * ```ts
 * const cam = new LayerGradCam(model, { layer: 'block.relu2' });
 * const maps = await cam.attribute(x, { target: 2, reluAttributions: true }); // [N, 1, 4, 4]
 * maps.dispose();
 * ```
 */
export class LayerGradCam implements Attribution<LayerGradCamAttributeOptions> {
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: LayerMethodOptions) {
    this.target = layerMethodTarget(model, options, 'LayerGradCam');
  }

  async attribute(x: tf.Tensor, options: LayerGradCamAttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'LayerGradCam.attribute';
    const { model } = this.target;
    const relu = options.reluAttributions ?? layerGradCamDefaults.reluAttributions;
    const sum = options.attrDimSummation ?? layerGradCamDefaults.attrDimSummation;
    return withTargetLayerGradient(this.target, x, options, where, (acts, grads) => {
      const rank = acts.rank;
      const channels = model.graph.layout === 'NHWC' && rank > 2 ? rank - 1 : 1;
      const spatial: number[] = [];
      for (let d = 1; d < rank; d++) if (d !== channels) spatial.push(d);
      const weights = spatial.length > 0 ? tf.mean(grads, spatial, true) : grads;
      const scaled = tf.mul(weights, acts);
      const map = sum ? tf.sum(scaled, channels, true) : scaled;
      return relu ? tf.relu(map) : map;
    });
  }
}
