import { InterpError } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { findLayer, type LayerLocation, runWithTap } from './internal/layer-graph.js';
import { asScoreMatrix, resolveModel } from './internal/resolve-model.js';
import { argmaxRows, checkTargets, targetMask } from './internal/targets.js';
import { validateInput } from './internal/validate-input.js';
import type { AttributionModel, Target } from './types.js';

/** Options of the {@link GradCAM} constructor. */
export interface GradCAMOptions {
  /**
   * The layer whose activations are weighted: a name (nested models are searched too) or an
   * index into the model's `layers` (negative from the end). Default: the last layer with a 4-D
   * output, i.e. the last convolutional feature map.
   */
  layer?: string | number;
}

/** Options of {@link GradCAM.attribute}. */
export interface GradCAMAttributeOptions {
  /** Class to explain: an index, one per item, or (default) each item's predicted class. */
  target?: Target;
  /** Keep only positive evidence (Captum's `relu_attributions`). */
  relu?: boolean;
  /** Resize the map bilinearly to the input's H x W (half-pixel centers, like PyTorch's align_corners=False). */
  upsample?: boolean;
}

/** Defaults of {@link GradCAM.attribute}, written once. */
export const gradCAMDefaults = { relu: true, upsample: true } as const;

/**
 * Grad-CAM (Selvaraju et al. 2017; Captum's `LayerGradCam` followed by `LayerAttribution.interpolate`):
 * the gradients of the target score with respect to a layer's activations A are averaged over
 * H and W into one weight per channel, and the map is sum_c w_c A_c, passed through relu and
 * upsampled to the input size. Works on Sequential and functional LayersModels, nested models
 * included: the model runs node by node so the chosen layer's output can be fed back in and
 * differentiated. Returns [N, H, W] (the layer's h x w with `upsample: false`), the caller's to
 * dispose.
 *
 * @example
 * ```ts
 * const cam = new GradCAM(learn, { layer: 'conv2d_2' });
 * const maps = await cam.attribute(images); // [N, 28, 28]
 * maps.dispose();
 * ```
 */
export class GradCAM {
  readonly layerName: string;
  private readonly model: LayersModel;
  private readonly location: LayerLocation;

  constructor(model: AttributionModel, options: GradCAMOptions = {}) {
    const where = 'GradCAM';
    const m = resolveModel(model, where);
    if (!m.layersModel) {
      throw new InterpError(
        'NOT_SUPPORTED',
        `${where} needs a tfjs-layers LayersModel (or a Learner wrapping one) to reach its layers; a plain function has none`,
      );
    }
    this.model = m.layersModel;
    this.location = findLayer(this.model, options.layer, where);
    this.layerName = this.location.layer.name;
  }

  async attribute(x: tf.Tensor, options: GradCAMAttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'GradCAM.attribute';
    const { target, relu = gradCAMDefaults.relu, upsample = gradCAMDefaults.upsample } = options;
    const input = validateInput(x, where, this.model);
    const xs = input.x;
    const n = xs.shape[0]!;
    if (upsample && xs.rank !== 4) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${where}: upsampling needs image inputs [N, H, W, C], got [${xs.shape.join(', ')}]; pass { upsample: false }`,
      );
    }
    let activation: tf.Tensor | undefined;
    let scores: tf.Tensor2D | undefined;
    try {
      // One pass gives both the activation and the outputs (for the default target).
      [activation, scores] = tf.tidy(() => {
        let captured: tf.Tensor | undefined;
        const out = runWithTap(this.model, xs, {
          kind: 'capture',
          location: this.location,
          onOutput: (t) => {
            captured = t;
          },
        });
        return [captured!, asScoreMatrix(out, n, where)] as const;
      });
      if (activation.rank !== 4) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `${where}: layer ${JSON.stringify(this.layerName)} outputs shape [${activation.shape.join(', ')}]; GradCAM needs a 4-D (N, H, W, C) activation, pick a convolutional layer`,
        );
      }
      const numClasses = scores.shape[1];
      const targets =
        target === undefined
          ? argmaxRows(await scores.data(), n, numClasses, where)
          : checkTargets(target, n, numClasses, where);
      const acts = activation;
      return tf.tidy(() => {
        const mask = targetMask(targets, numClasses);
        const grads = tf.grad((a: tf.Tensor) =>
          tf.sum(
            tf.mul(
              asScoreMatrix(
                runWithTap(this.model, xs, {
                  kind: 'substitute',
                  location: this.location,
                  value: a,
                }),
                n,
                where,
              ),
              mask,
            ),
          ),
        )(acts);
        const weights = tf.mean(grads, [1, 2], true);
        let cam: tf.Tensor = tf.sum(tf.mul(weights, acts), 3);
        if (relu) cam = tf.relu(cam);
        if (!upsample) return cam;
        const [h, w] = [xs.shape[1]!, xs.shape[2]!];
        const resized = tf.image.resizeBilinear(
          tf.expandDims(cam, 3) as tf.Tensor4D,
          [h, w],
          false,
          true,
        );
        return tf.reshape(resized, [n, h, w]);
      });
    } finally {
      tf.dispose([activation, scores].filter((t): t is tf.Tensor => t !== undefined));
      if (input.owned) xs.dispose();
    }
  }
}
