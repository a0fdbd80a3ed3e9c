import { InterpError, imageAxes, type ModelGraph, replaceOutput } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { findCamLayer } from './internal/cam-layer.js';
import { tapLayer } from './internal/layer-gradient.js';
import { asScoreMatrix, resolveModel } from './internal/resolve-model.js';
import { argmaxRows, checkTargets, targetMask } from './internal/targets.js';
import { validateInput } from './internal/validate-input.js';
import type { AttributionModel, Target } from './types.js';

/** Options of the {@link GradCAM} constructor. */
export interface GradCAMOptions {
  /**
   * The layer whose activations are weighted: a layer or node name (nested models are searched
   * too), an output name, a module path prefix (`layer4`: its last node), or an index into a
   * LayersModel's `layers` (a graph's nodes otherwise; negative from the end). Default: the last
   * layer whose output is an image larger than 1 x 1 (H x W > 1 in the model's layout), i.e. the
   * last convolutional feature map before global pooling; `layerName` reports it.
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
  /**
   * Called with each warning of this call (also kept in `GradCAM.warnings`): an item whose map
   * is all zero after the ReLU, i.e. the layer holds no positive evidence for its class.
   */
  onWarning?: (message: string) => void;
}

/** Defaults of {@link GradCAM.attribute}, written once. */
export const gradCAMDefaults = Object.freeze({ relu: true, upsample: true } as const);

/**
 * Grad-CAM (Selvaraju et al. 2017; Captum's `LayerGradCam` followed by `LayerAttribution.interpolate`):
 * the gradients of the target score with respect to a layer's activations A are averaged over
 * H and W into one weight per channel, and the map is sum_c w_c A_c, passed through relu and
 * upsampled to the input size. Works on any model graph: Sequential, functional and nested
 * LayersModels, ONNX models (`NCHW`: channels on axis 1) and hand-made graphs. The activation is
 * tapped in one pass, then fed back in through a hook that replaces the layer's output, so the
 * rest of the model becomes a function of it to differentiate. Returns [N, H, W] (the layer's
 * h x w with `upsample: false`), the caller's to dispose. `layerName` says which layer was used
 * and `warnings` what looked wrong in the last call (an all-zero map).
 *
 * @example
 * ```ts
 * const cam = new GradCAM(learn);          // the last spatial feature map
 * const maps = await cam.attribute(images); // [N, 28, 28]
 * console.log(cam.layerName);
 * maps.dispose();
 * ```
 */
export class GradCAM {
  /** The layer (graph node) whose activations are weighted. */
  readonly layerName: string;
  /** Whether `layerName` was given or chosen by the default rule. */
  readonly layerChoice: 'given' | 'default';
  /** Warnings of the last `attribute` call. */
  warnings: string[] = [];
  private readonly graph: ModelGraph;
  private readonly layersModel: LayersModel | undefined;

  constructor(model: AttributionModel, options: GradCAMOptions = {}) {
    const where = 'GradCAM';
    const m = resolveModel(model, where);
    if (m.graph.kind === 'function') {
      throw new InterpError(
        'NOT_SUPPORTED',
        `${where} needs a model with layers to weight (a tfjs-layers LayersModel, a Learner wrapping one, or a model graph such as an ONNX model); a plain function has none`,
      );
    }
    this.graph = m.graph;
    this.layersModel = m.layersModel;
    const { node, chosen } = findCamLayer(m.graph, m.layersModel, options.layer, where);
    this.layerName = node.name;
    this.layerChoice = chosen;
  }

  async attribute(x: tf.Tensor, options: GradCAMAttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'GradCAM.attribute';
    const { target, relu = gradCAMDefaults.relu, upsample = gradCAMDefaults.upsample } = options;
    const graph = this.graph;
    const layer = this.layerName;
    const axes = imageAxes(graph.layout === 'NCHW' ? 'NCHW' : 'NHWC')!;
    const input = validateInput(x, where, graph);
    const xs = input.x;
    const n = xs.shape[0]!;
    this.warnings = [];
    if (upsample && (xs.rank !== 4 || graph.layout === 'none')) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${where}: upsampling needs image inputs (${graph.layout === 'NCHW' ? '[N, C, H, W]' : '[N, H, W, C]'}), got [${xs.shape.join(', ')}]; pass { upsample: false }`,
      );
    }
    let activation: tf.Tensor | undefined;
    let scores: tf.Tensor2D | undefined;
    let cam: tf.Tensor | undefined;
    try {
      // One pass gives both the activation and the outputs (for the default target). It is not
      // differentiated, so a LayersModel runs with its BNs folded into the convs (core's folded
      // forward: one fused conv where predict runs conv, BN, ReLU and clip over each activation).
      const layersModel = this.layersModel;
      [activation, scores] = tf.tidy(() => {
        const { output, taps } = tapLayer({ graph, layersModel }, xs, layer);
        return [taps[layer]!, asScoreMatrix(output, n, where)] as const;
      });
      if (activation.rank !== 4) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `${where}: layer ${JSON.stringify(layer)} outputs shape [${activation.shape.join(', ')}]; GradCAM needs a 4-D (${graph.layout === 'NCHW' ? 'N, C, H, W' : 'N, H, W, C'}) activation, pick a convolutional layer`,
        );
      }
      const numClasses = scores.shape[1];
      const targets =
        target === undefined
          ? argmaxRows(await scores.data(), n, numClasses, where)
          : checkTargets(target, n, numClasses, where);
      const acts = activation;
      cam = tf.tidy(() => {
        const mask = targetMask(targets, numClasses);
        // The activation is fed back in at the layer, so the score is a function of it alone
        // and the adapter runs only the head under the tape, not the layers before it again.
        const score = (a: tf.Tensor) =>
          tf.sum(
            tf.mul(
              asScoreMatrix(
                graph.run(xs, { hooks: { [layer]: replaceOutput(a) } }).output,
                n,
                where,
              ),
              mask,
            ),
          );
        const grads = tf.grad(score)(acts);
        const weights = tf.mean(grads, [axes.height, axes.width], true);
        const map = tf.sum(tf.mul(weights, acts), axes.channels);
        return relu ? tf.relu(map) : map;
      });
      if (relu) await this.warnAboutZeroMaps(cam, targets, options.onWarning);
      if (!upsample) return cam;
      const [h, w] = [xs.shape[axes.height]!, xs.shape[axes.width]!];
      const small = cam;
      return tf.tidy(() => {
        const resized = tf.image.resizeBilinear(
          tf.expandDims(small, 3) as tf.Tensor4D,
          [h, w],
          false,
          true,
        );
        return tf.reshape(resized, [n, h, w]);
      });
    } catch (e) {
      cam?.dispose();
      cam = undefined;
      throw e;
    } finally {
      tf.dispose([activation, scores].filter((t): t is tf.Tensor => t !== undefined));
      if (upsample) cam?.dispose();
      if (input.owned) xs.dispose();
    }
  }

  /** Records (and reports) every item whose map is zero everywhere after the ReLU. */
  private async warnAboutZeroMaps(
    cam: tf.Tensor,
    targets: Int32Array,
    onWarning: ((message: string) => void) | undefined,
  ): Promise<void> {
    const peaks = tf.tidy(() => tf.max(tf.reshape(cam, [cam.shape[0]!, -1]), 1));
    const data = await peaks.data();
    peaks.dispose();
    data.forEach((peak, i) => {
      if (peak > 0) return;
      const message = `GradCAM: the map of item ${i} (class ${targets[i]}) is all zero after its ReLU: layer ${JSON.stringify(this.layerName)} holds no positive evidence for that class; try another layer or { relu: false }`;
      this.warnings.push(message);
      onWarning?.(message);
    });
  }
}
