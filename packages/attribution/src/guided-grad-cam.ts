import { InterpError } from '@interp/core';
import { keyword } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { GradCAM, type GradCAMOptions } from './grad-cam.js';
import { GuidedBackprop } from './guided-backprop.js';
import { resolveModel } from './internal/resolve-model.js';
import type { AttributeOptions, Attribution, AttributionModel } from './types.js';

/** How the Grad-CAM map is resized to the input (Captum's `interpolate_mode`). */
export type GuidedGradCamInterpolateMode = 'nearest' | 'bilinear';

/** The interpolation modes GuidedGradCam accepts. */
export const GUIDED_GRAD_CAM_INTERPOLATE_MODES: readonly GuidedGradCamInterpolateMode[] = [
  'nearest',
  'bilinear',
];

/** Options of {@link GuidedGradCam.attribute}. */
export interface GuidedGradCamAttributeOptions extends AttributeOptions {
  /** Resize mode of the Grad-CAM map: Captum's default `nearest` (PyTorch's floor rule) or `bilinear`. */
  interpolateMode?: GuidedGradCamInterpolateMode;
  /** Captum's `attribute_to_layer_input`; only false (the layer's output) is supported. */
  attributeToLayerInput?: boolean;
}

/** Defaults of {@link GuidedGradCam.attribute}, written once (Captum's). */
export const guidedGradCamDefaults = Object.freeze({
  interpolateMode: 'nearest',
  attributeToLayerInput: false,
} as const);

/**
 * Guided Grad-CAM (Selvaraju et al. 2017; Captum's `GuidedGradCam`): guided backpropagation
 * multiplied elementwise by the layer's Grad-CAM map (relu applied), resized to the input's
 * H x W (nearest neighbour by default, as Captum) and broadcast over channels. Needs image
 * inputs ([N, C, H, W] for NCHW models, [N, H, W, C] for NHWC). The layer is chosen as for
 * {@link GradCAM}. Result like x, the caller's to dispose.
 *
 * @example
 * ```ts
 * const ggc = new GuidedGradCam(model, { layer: 'block.relu2' });
 * const attr = await ggc.attribute(images, { target: 2 });
 * attr.dispose();
 * ```
 */
export class GuidedGradCam implements Attribution<GuidedGradCamAttributeOptions> {
  /** The layer whose Grad-CAM map is used. */
  readonly layerName: string;
  private readonly gradCam: GradCAM;
  private readonly guided: GuidedBackprop;
  private readonly layout: 'NCHW' | 'NHWC' | 'none';

  constructor(model: AttributionModel, options: GradCAMOptions = {}) {
    const m = resolveModel(model, 'GuidedGradCam');
    this.layout = m.graph.layout;
    this.gradCam = new GradCAM(model, options);
    this.guided = new GuidedBackprop(model);
    this.layerName = this.gradCam.layerName;
  }

  async attribute(x: tf.Tensor, options: GuidedGradCamAttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'GuidedGradCam.attribute';
    const mode = keyword(
      options.interpolateMode,
      'interpolateMode',
      GUIDED_GRAD_CAM_INTERPOLATE_MODES,
      guidedGradCamDefaults.interpolateMode,
    );
    if (options.attributeToLayerInput ?? guidedGradCamDefaults.attributeToLayerInput) {
      throw new InterpError(
        'NOT_SUPPORTED',
        `${where}: attributeToLayerInput is not supported (Grad-CAM here weights the layer's output); leave it false`,
      );
    }
    if (!(x instanceof tf.Tensor) || x.rank !== 4 || this.layout === 'none') {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${where}: Guided Grad-CAM needs image inputs ([N, C, H, W] or [N, H, W, C]) and an image model; got ${x instanceof tf.Tensor ? `[${x.shape.join(', ')}]` : 'no tensor'} (layout ${this.layout})`,
      );
    }
    const { target } = options;
    const cam = await this.gradCam.attribute(x, { target, relu: true, upsample: false });
    let guided: tf.Tensor;
    try {
      guided = await this.guided.attribute(x, options);
    } catch (e) {
      cam.dispose();
      throw e;
    }
    const nchw = this.layout === 'NCHW';
    const size: [number, number] = nchw ? [x.shape[2]!, x.shape[3]!] : [x.shape[1]!, x.shape[2]!];
    const out = tf.tidy(() => {
      const maps = tf.expandDims(cam, -1) as tf.Tensor4D;
      const resized =
        mode === 'nearest'
          ? tf.image.resizeNearestNeighbor(maps, size, false, false)
          : tf.image.resizeBilinear(maps, size, false, true);
      return tf.mul(guided, nchw ? tf.transpose(resized, [0, 3, 1, 2]) : resized);
    });
    tf.dispose([cam, guided]);
    return out;
  }
}
