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
import {
  type DecodedItem,
  type GraphSource,
  InterpError,
  imageAxes,
  type ModelGraph,
  toModelGraph,
} from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import {
  defaultLayer,
  fromHwc,
  type ItemLayout,
  itemInput,
  itemLayout,
  toHwc,
} from './item-layout.js';

/**
 * The attribution methods the classifier widget offers (its `attribution` option and menu): every
 * method of `@interp/attribution/methods`, by the names `interp attribute --method` uses. Layer
 * methods read the picked layer (default GradCAM's: the last node with an output larger than
 * 1 x 1), neuron methods its most active unit for the item; a layer map is summed over channels
 * and resized to the image.
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

/** An item's attribution drawn over it, and what the widget should say about it. */
export interface ItemAttribution {
  /** PNG data URL of the map blended over the image. */
  url: string;
  /** The layer used (Grad-CAM only). */
  layer?: string;
  /** Set when the map is zero everywhere (nothing to see in the picture), saying why. */
  blank?: string;
}

/** An item's attribution map: H x W x C for input-shaped methods, else H x W. */
export interface ItemMap {
  data: Float32Array;
  shape: number[];
  /** The layer read (layer and neuron methods). */
  layer?: string;
}

/**
 * The attribution map of one image item for `target` by any catalog method. The model is any
 * graph source (a Learner, LayersModel, GraphModel or ONNX ModelGraph): the item (H x W x C) is
 * fed in the graph's layout (C x H x W for NCHW) and an input-shaped map comes back H x W x C;
 * layer maps are summed over channels and resized to H x W. `layer` names the node layer methods
 * read (default {@link defaultLayer}). Every tensor made here is disposed before returning.
 *
 * @example
 * ```ts
 * const { data, shape } = await itemMap(onnxGraph, item, 3, 'ig'); // shape [28, 28, 1]
 * ```
 */
export async function itemMap(
  model: GraphSource,
  item: DecodedItem,
  target: number,
  method: AttributionMethod,
  layer?: string,
): Promise<ItemMap> {
  if (item.kind !== 'image') {
    throw new InterpError(
      'NOT_SUPPORTED',
      `attribution is drawn for image items; this item is a ${item.kind}`,
    );
  }
  const graph = toModelGraph(model, 'itemAttribution');
  const info = methodInfo(method);
  const layout = itemLayout(graph, item.shape);
  const x = itemInput(item, layout);
  const own: tf.Tensor[] = [x];
  let result: Awaited<ReturnType<typeof runAttribution>> | undefined;
  try {
    const read = info.layer === 'none' ? undefined : (layer ?? defaultLayer(graph));
    if (info.layer === 'required' && read === undefined) {
      throw new InterpError(
        'NOT_SUPPORTED',
        `${attributionLabel(method)} reads a layer, and this model has no node with an image output larger than 1 x 1; pick a layer`,
      );
    }
    const options = methodOptions(info.options, { method, target, layer: read, layout, own });
    if (info.neuron) options.neuron = await mostActiveUnit(graph, x, read!);
    result = await runAttribution(graph, method, x, options);
    const map = tf.tidy(() => asImageMap(result!.attributions, info.output, layout, graph));
    own.push(map);
    const out: ItemMap = { data: (await map.data()) as Float32Array, shape: map.shape };
    if (result.layer !== undefined || read !== undefined) out.layer = result.layer ?? read;
    return out;
  } finally {
    tf.dispose(own);
    if (result) tf.dispose([result.attributions, ...(result.delta ? [result.delta] : [])]);
  }
}

/**
 * {@link itemMap} drawn over the image, saying so when the map is zero everywhere.
 *
 * @example
 * ```ts
 * const { url, blank } = await itemAttribution(learn, item, 3, 'gradcam');
 * ```
 */
export async function itemAttribution(
  model: GraphSource,
  item: DecodedItem,
  target: number,
  method: AttributionMethod,
  layer?: string,
): Promise<ItemAttribution> {
  const map = await itemMap(model, item, target, method, layer);
  let peak = 0;
  for (const v of map.data) peak = Math.max(peak, Math.abs(v));
  const image = item as Extract<DecodedItem, { kind: 'image' }>;
  const overlay = await attributionOverlay(
    { data: image.data, shape: image.shape },
    { data: map.data, shape: map.shape },
    overlayOf(method),
  );
  const out: ItemAttribution = { url: overlay.dataURL };
  if (map.layer !== undefined) out.layer = map.layer;
  if (peak === 0) {
    out.blank =
      method === 'gradcam'
        ? `The Grad-CAM map is all zero: layer ${out.layer} holds no positive evidence for this class (its gradient-weighted channels sum to <= 0 everywhere).`
        : 'The map is all zero: by this method, no pixel of this item moves the class score.';
  }
  return out;
}

/** The options a method reads, at the widget's settings ({@link widgetAttributionDefaults}). */
function methodOptions(
  reads: readonly string[],
  c: {
    method: AttributionMethod;
    target: number;
    layer: string | undefined;
    layout: ItemLayout;
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
      const shape = c.layout.shape;
      const b = tf.tidy(() => tf.stack([tf.zeros(shape), tf.fill(shape, 0.5)]));
      c.own.push(b);
      o.baselines = b;
    } else {
      o.baselines = 0;
    }
  }
  if (has('featureMask')) {
    const mask = superpixels(c.layout);
    c.own.push(mask);
    o.featureMask = mask;
  }
  return o;
}

/** Feature ids of n x n blocks of pixels (all channels together), shaped like one item [1, ...shape]. */
function superpixels(layout: ItemLayout): tf.Tensor {
  const n = widgetAttributionDefaults.superpixelsPerSide;
  const { height, width, channels } = layout;
  const [bh, bw] = [Math.ceil(height / n), Math.ceil(width / n)];
  const ids = new Int32Array(height * width * channels);
  for (let k = 0; k < ids.length; k++) {
    // Pixel of value k in the H x W x C item.
    const p = Math.floor(k / channels);
    ids[k] = Math.floor(Math.floor(p / width) / bh) * n + Math.floor((p % width) / bw);
  }
  return tf.tidy(() => fromHwc(tf.tensor(ids, [1, height, width, channels], 'int32'), layout));
}

/** The unit of `layer` most activated by x: an index tuple into one item of its output. */
async function mostActiveUnit(graph: ModelGraph, x: tf.Tensor, layer: string): Promise<number[]> {
  const act = tf.tidy(() => graph.run(x, { taps: [layer] }).taps[layer]!);
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

/** One H x W (x C) map of the item: input-shaped back to H x W x C, layer maps summed over channels and resized. */
function asImageMap(
  attr: tf.Tensor,
  output: 'input' | 'image' | 'layer',
  layout: ItemLayout,
  graph: ModelGraph,
): tf.Tensor {
  const { height, width } = layout;
  if (output === 'input') return toHwc(attr, layout);
  if (output === 'image') return tf.reshape(attr, [height, width]);
  const axes = imageAxes(graph.layout === 'NCHW' ? 'NCHW' : 'NHWC')!;
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
