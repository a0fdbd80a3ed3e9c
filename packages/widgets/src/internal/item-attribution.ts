import type { AttributionSign } from '@interp/attribution';
import {
  attributionOverlay,
  integratedGradientsDefaults,
  type OverlayMethod,
} from '@interp/attribution';
import {
  METHOD_NAMES,
  type MethodName,
  methodInfo,
  type RunAttributionOptions,
  runAttribution,
} from '@interp/attribution/methods';
import { type DecodedItem, InterpError, imageAxes, type Learner, toModelGraph } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The attribution methods the classifier widget offers (its `attribution` option and menu): every
 * method of `@interp/attribution/methods`, by the names `interp attribute --method` uses. Layer
 * methods read the model's last conv layer ({@link lastConvLayer}), neuron methods its most
 * active unit for the item; a layer map is summed over channels and resized to the image.
 *
 * @example
 * ```ts
 * new InteractiveClassifier(learn, { attribution: 'gradcam' });
 * ATTRIBUTION_METHODS.includes('lime'); // true
 * ```
 */
export const ATTRIBUTION_METHODS: readonly MethodName[] = METHOD_NAMES;

/** One of {@link ATTRIBUTION_METHODS}. */
export type AttributionMethod = MethodName;

/** Human names of the first methods (menu entries and alt text); the others show their class. */
const NAMED: Partial<Record<AttributionMethod, string>> = {
  saliency: 'Saliency',
  gxi: 'Gradient × input',
  ig: 'Integrated gradients',
  gradcam: 'Grad-CAM',
  deeplift: 'DeepLift',
  'gradient-shap': 'GradientShap',
  'guided-backprop': 'Guided backprop',
  deconvolution: 'Deconvolution',
};

/**
 * The menu entry and alt text of a method: its human name, else its class name.
 *
 * @example
 * ```ts
 * attributionLabel('ig');   // 'Integrated gradients'
 * attributionLabel('lime'); // 'Lime'
 * ```
 */
export function attributionLabel(method: AttributionMethod): string {
  return NAMED[method] ?? methodInfo(method).className;
}

/**
 * The widget's settings for the methods that need more than a target: Captum's 50 path steps (IG
 * on a small CNN answers a click in tens of milliseconds), few samples (a click should answer in
 * about a second), 9 superpixels for the perturbation methods (exact
 * Shapley values evaluate 2^9 coalitions), a fixed seed (the same click draws the same map).
 */
export const widgetAttributionDefaults = {
  nSteps: integratedGradientsDefaults.nSteps,
  nSamples: 50,
  seed: 0,
  /** Superpixels per side: 3 x 3 = 9 features. */
  superpixelsPerSide: 3,
} as const;

/** How each method's map is drawn: saliency is |grad|, Grad-CAM and activations positive, the rest signed. */
function overlayOf(method: AttributionMethod): { sign: AttributionSign; method: OverlayMethod } {
  const sign: AttributionSign =
    method === 'saliency'
      ? 'absolute_value'
      : method === 'gradcam' || method === 'layer-activation'
        ? 'positive'
        : 'all';
  return { sign, method: 'blended_heat_map' };
}

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
 * Attribution of one image item for `target` by any catalog method, drawn over the image. Every
 * tensor made here is disposed before returning.
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
  const info = methodInfo(method);
  const shape = modelItemShape(learn, item.shape, item.data.length);
  const [height, width] = item.shape;
  const x = tf.tensor(item.data, [1, ...shape], 'float32');
  const own: tf.Tensor[] = [x];
  let result: Awaited<ReturnType<typeof runAttribution>> | undefined;
  try {
    const layer = info.layer === 'none' ? undefined : lastConvLayer(learn);
    if (info.layer === 'required' && layer === undefined) {
      throw new InterpError(
        'NOT_SUPPORTED',
        `${attributionLabel(method)} reads a layer, and the widget uses the model's last convolution; this model has none`,
      );
    }
    const options = methodOptions(info.options, {
      method,
      target,
      layer,
      shape,
      height,
      width,
      own,
    });
    if (info.neuron) options.neuron = await mostActiveUnit(learn, x, layer!);
    result = await runAttribution(learn, method, x, options);
    const map = tf.tidy(() => asImageMap(result!.attributions, info.output, height, width, learn));
    own.push(map);
    const data = await map.data();
    let peak = 0;
    for (const v of data) peak = Math.max(peak, Math.abs(v));
    const overlay = await attributionOverlay(
      { data: item.data, shape: item.shape },
      { data, shape: info.output === 'input' ? item.shape : [height, width] },
      overlayOf(method),
    );
    const out: ItemAttribution = { url: overlay.dataURL };
    if (result.layer !== undefined || layer !== undefined) out.layer = result.layer ?? layer;
    if (peak === 0) {
      out.blank =
        method === 'gradcam'
          ? `The Grad-CAM map is all zero: layer ${out.layer} holds no positive evidence for this class (its gradient-weighted channels sum to <= 0 everywhere).`
          : 'The map is all zero: by this method, no pixel of this item moves the class score.';
    }
    return out;
  } finally {
    tf.dispose(own);
    if (result) tf.dispose([result.attributions, ...(result.delta ? [result.delta] : [])]);
  }
}

/** The options a method reads, at the widget's settings ({@link widgetAttributionDefaults}). */
function methodOptions(
  reads: readonly string[],
  c: {
    method: AttributionMethod;
    target: number;
    layer: string | undefined;
    shape: number[];
    height: number;
    width: number;
    own: tf.Tensor[];
  },
): RunAttributionOptions {
  const d = widgetAttributionDefaults;
  const o: RunAttributionOptions = {};
  const has = (k: string) => reads.includes(k);
  if (has('target')) o.target = c.target;
  if (has('layer') && c.layer !== undefined) o.layer = c.layer;
  if (has('nSteps')) o.nSteps = d.nSteps;
  if (has('nSamples')) o.nSamples = d.nSamples;
  if (has('seed')) o.seed = d.seed;
  if (has('baselines')) {
    if (c.method.endsWith('deeplift-shap')) {
      // DeepLiftShap needs a distribution: black and mid-grey.
      const b = tf.tidy(() => tf.stack([tf.zeros(c.shape), tf.fill(c.shape, 0.5)]));
      c.own.push(b);
      o.baselines = b;
    } else {
      o.baselines = 0;
    }
  }
  if (has('featureMask')) {
    const mask = superpixels(c.shape, c.height, c.width);
    c.own.push(mask);
    o.featureMask = mask;
  }
  return o;
}

/** Feature ids of n x n blocks of pixels (all channels together), shaped like one item [1, ...shape]. */
function superpixels(shape: number[], height: number, width: number): tf.Tensor {
  const n = widgetAttributionDefaults.superpixelsPerSide;
  const [bh, bw] = [Math.ceil(height / n), Math.ceil(width / n)];
  const size = shape.reduce((a, b) => a * b, 1);
  const channels = size / (height * width);
  const hAxis = shape.indexOf(height);
  const ids = new Int32Array(size);
  for (let k = 0; k < size; k++) {
    // Index of pixel k in an H x W (x C) or C x H x W item.
    const p = hAxis === 0 ? Math.floor(k / channels) : k % (height * width);
    ids[k] = Math.floor(Math.floor(p / width) / bh) * n + Math.floor((p % width) / bw);
  }
  return tf.tensor(ids, [1, ...shape], 'int32');
}

/** The unit of `layer` most activated by x: an index tuple into one item of its output. */
async function mostActiveUnit(learn: Learner, x: tf.Tensor, layer: string): Promise<number[]> {
  const act = tf.tidy(() => toModelGraph(learn).run(x, { taps: [layer] }).taps[layer]!);
  const data = await act.data();
  const shape = act.shape.slice(1);
  act.dispose();
  let best = 0;
  for (let i = 1; i < data.length; i++) if (data[i]! > data[best]!) best = i;
  return shape.map((_, a) => {
    const stride = shape.slice(a + 1).reduce((p, q) => p * q, 1);
    return Math.floor(best / stride) % shape[a]!;
  });
}

/** One H x W (x C) map of the item: input-shaped as is, layer maps summed over channels and resized. */
function asImageMap(
  attr: tf.Tensor,
  output: 'input' | 'image' | 'layer',
  height: number,
  width: number,
  learn: Learner,
): tf.Tensor {
  if (output === 'input') return tf.clone(attr);
  if (output === 'image') return tf.reshape(attr, [height, width]);
  const axes = imageAxes(toModelGraph(learn).layout === 'NCHW' ? 'NCHW' : 'NHWC')!;
  if (attr.rank !== 4) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `the layer map has shape [${attr.shape.join(', ')}]; the widget draws 4-D (image) layer maps`,
    );
  }
  const summed = tf.sum(attr, axes.channels) as tf.Tensor3D; // [1, h, w]
  const resized = tf.image.resizeBilinear(tf.expandDims(summed, 3) as tf.Tensor4D, [height, width]);
  return tf.reshape(resized, [height, width]);
}
