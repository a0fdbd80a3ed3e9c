import type { AttributionSign } from '@interp/attribution';
import {
  attributionOverlay,
  Deconvolution,
  DeepLift,
  GradCAM,
  GradientShap,
  GuidedBackprop,
  gradientTimesInput,
  IntegratedGradients,
  type OverlayMethod,
  saliencyMap,
} from '@interp/attribution';
import { type DecodedItem, InterpError, type Learner, toModelGraph } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The attribution methods the classifier widget offers (its `attribution` option and menu), named
 * as `interp attribute --method` names them: the input-shaped ones that need no --layer,
 * --neuron, baseline file or feature mask and answer a click in one or a few passes.
 *
 * @example
 * ```ts
 * new InteractiveClassifier(learn, { attribution: ATTRIBUTION_METHODS[3] }); // 'gradcam'
 * ```
 */
export const ATTRIBUTION_METHODS = [
  'saliency',
  'gxi',
  'ig',
  'gradcam',
  'deeplift',
  'gradient-shap',
  'guided-backprop',
  'deconvolution',
] as const;

/** One of {@link ATTRIBUTION_METHODS}. */
export type AttributionMethod = (typeof ATTRIBUTION_METHODS)[number];

/** Human names of the methods (menu entries and alt text). */
export const ATTRIBUTION_LABELS: Record<AttributionMethod, string> = {
  saliency: 'Saliency',
  gxi: 'Gradient × input',
  ig: 'Integrated gradients',
  gradcam: 'Grad-CAM',
  deeplift: 'DeepLift',
  'gradient-shap': 'GradientShap',
  'guided-backprop': 'Guided backprop',
  deconvolution: 'Deconvolution',
};

/** Steps of Integrated Gradients in the widget: fewer than the default 50, for a quick click. */
const WIDGET_IG_STEPS = 32;

/** How each method's map is drawn: saliency is |grad|, gradient x input and IG signed, Grad-CAM positive after relu. */
const OVERLAY: Record<AttributionMethod, { sign: AttributionSign; method: OverlayMethod }> = {
  saliency: { sign: 'absolute_value', method: 'blended_heat_map' },
  gxi: { sign: 'all', method: 'blended_heat_map' },
  ig: { sign: 'all', method: 'blended_heat_map' },
  gradcam: { sign: 'positive', method: 'blended_heat_map' },
  deeplift: { sign: 'all', method: 'blended_heat_map' },
  'gradient-shap': { sign: 'all', method: 'blended_heat_map' },
  'guided-backprop': { sign: 'all', method: 'blended_heat_map' },
  deconvolution: { sign: 'all', method: 'blended_heat_map' },
};

/**
 * The input shape (without the batch axis) the model wants for an item with `size` values: the
 * model's declared input shape when it has one of that size, else the item's own shape.
 */
export function modelItemShape(learn: Learner, itemShape: number[], size: number): number[] {
  const declared = learn.layersModel?.inputs?.[0]?.shape?.slice(1);
  if (declared?.every((d) => typeof d === 'number')) {
    const n = (declared as number[]).reduce((a, b) => a * b, 1);
    if (n === size) return declared as number[];
  }
  return itemShape;
}

/**
 * The layer the widget's Grad-CAM weights: the model's last convolution (op `Conv2D`, `Conv`,
 * `DepthwiseConv2D`, ...; transposed convolutions excluded), as the widgets guide promises.
 * GradCAM's own default is the last layer with a spatial output, which on conv - pool - dense
 * models is a pooling layer whose map is often flat. Undefined when the model has no
 * convolution (GradCAM's default rule applies then).
 *
 * @example
 * ```ts
 * lastConvLayer(learn); // 'conv2' for the demo MNIST CNN (conv1, pool1, conv2, pool2, ...)
 * ```
 */
export function lastConvLayer(learn: Learner): string | undefined {
  const nodes = toModelGraph(learn, 'lastConvLayer').nodes;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const op = nodes[i]!.op;
    if (/conv/i.test(op) && !/transpose/i.test(op)) return nodes[i]!.name;
  }
  return undefined;
}

/** An item's attribution drawn over it, and what the widget should say about it. */
export interface ItemAttribution {
  /** PNG data URL of the map blended over the image. */
  url: string;
  /** The layer used (Grad-CAM only). */
  layer?: string;
  /** Set when the map is zero everywhere (nothing to see in the picture), saying why. */
  blank?: string;
}

/**
 * Attribution of one image item for `target`, drawn over the image. Every tensor made here is
 * disposed before returning.
 */
export async function itemAttribution(
  learn: Learner,
  item: DecodedItem,
  target: number,
  method: AttributionMethod,
): Promise<ItemAttribution> {
  if (item.kind !== 'image') {
    throw new InterpError(
      'NOT_SUPPORTED',
      `attribution is drawn for image items; this item is a ${item.kind}`,
    );
  }
  const shape = modelItemShape(learn, item.shape, item.data.length);
  const x = tf.tensor(item.data, [1, ...shape], 'float32');
  let attr: tf.Tensor | undefined;
  let layer: string | undefined;
  try {
    if (method === 'saliency') {
      attr = await saliencyMap(learn, x, { target });
    } else if (method === 'gxi') {
      attr = await gradientTimesInput(learn, x, { target });
    } else if (method === 'ig') {
      attr = await new IntegratedGradients(learn).attribute(x, {
        target,
        nSteps: WIDGET_IG_STEPS,
      });
    } else if (method === 'deeplift') {
      attr = await new DeepLift(learn).attribute(x, { target });
    } else if (method === 'gradient-shap') {
      // A zero baseline and a fixed seed: the same click draws the same map.
      attr = await new GradientShap(learn).attribute(x, { target, baselines: 0, randomState: 0 });
    } else if (method === 'guided-backprop') {
      attr = await new GuidedBackprop(learn).attribute(x, { target });
    } else if (method === 'deconvolution') {
      attr = await new Deconvolution(learn).attribute(x, { target });
    } else {
      const cam = new GradCAM(learn, { layer: lastConvLayer(learn) });
      layer = cam.layerName;
      attr = await cam.attribute(x, { target });
    }
    const data = await attr.data();
    let peak = 0;
    for (const v of data) peak = Math.max(peak, Math.abs(v));
    const [height, width] = item.shape;
    // Grad-CAM gives [1, H, W]; the others x's shape. Either way: one H x W (x C) map of the item.
    const attrShape = attr.rank === 3 ? [height, width] : item.shape;
    const overlay = await attributionOverlay(
      { data: item.data, shape: item.shape },
      { data, shape: attrShape },
      OVERLAY[method],
    );
    const out: ItemAttribution = { url: overlay.dataURL };
    if (layer !== undefined) out.layer = layer;
    if (peak === 0) {
      out.blank =
        method === 'gradcam'
          ? `The Grad-CAM map is all zero: layer ${layer} holds no positive evidence for this class (its gradient-weighted channels sum to <= 0 everywhere).`
          : 'The map is all zero: the model’s output does not change with these pixels here.';
    }
    return out;
  } finally {
    x.dispose();
    attr?.dispose();
  }
}
