import { InterpError, type NDArray } from '@interp/core';
import { assertNumber, keyword } from '@interp/core/internal';
import { encodePNG, lutIndex, pngDataURL } from '@interp/viz/image';
import * as tf from '@tensorflow/tfjs-core';
import { signColormap } from './internal/colormaps.js';
import {
  ATTRIBUTION_SIGNS,
  type AttributionSign,
  mapShape,
  normalizeAttribution,
  normalizeAttributionDefaults,
} from './normalize-attribution.js';

/** How an attribution is drawn (Captum's `visualize_image_attr` methods). */
export type OverlayMethod = 'heat_map' | 'blended_heat_map' | 'masked_image';

/** Every {@link OverlayMethod}. */
export const OVERLAY_METHODS: readonly OverlayMethod[] = [
  'heat_map',
  'blended_heat_map',
  'masked_image',
];

/** Options of {@link attributionOverlay}. */
export interface AttributionOverlayOptions {
  /** `heat_map` (the map alone), `blended_heat_map` (over the grayscale image), `masked_image` (image x map). */
  method?: OverlayMethod;
  /** Which attributions to show; `all` colors negatives red and positives green. */
  sign?: AttributionSign;
  /** Percent of the attribution mass clipped as outliers before scaling. */
  outlierPerc?: number;
  /** Opacity of the heat map in `blended_heat_map`. */
  alpha?: number;
}

/** Defaults of {@link attributionOverlay}, written once (Captum's). */
export const attributionOverlayDefaults = Object.freeze({
  method: 'heat_map',
  sign: normalizeAttributionDefaults.sign,
  outlierPerc: normalizeAttributionDefaults.outlierPerc,
  alpha: 0.5,
} as const);

/** An image or attribution map: `{ data, shape }` in HWC order, or a tensor [H, W], [H, W, C] or [1, H, W, C]. */
export type OverlayInput = NDArray<ArrayLike<number>> | tf.Tensor;

/** A rendered overlay: RGBA bytes and the same pixels as a PNG data URL. */
export interface RenderedOverlay {
  width: number;
  height: number;
  /** Row-major RGBA, 4 bytes per pixel. */
  rgba: Uint8Array;
  /** `data:image/png;base64,...` */
  dataURL: string;
}

/**
 * Draws one item's attribution the way Captum's `visualize_image_attr` does: the map is summed
 * over channels and normalized with {@link normalizeAttribution} (`sign`, `outlierPerc`), then
 * colored with Captum's colormap for the sign (Blues for absolute value, Greens positive, Reds
 * negative, red-white-green for all). `blended_heat_map` puts it with opacity `alpha` over the
 * image's channel mean (gray, stretched to its min..max); `masked_image` multiplies the image
 * (0..1 images are scaled to 0..255) by the normalized map, which needs a sign other than `all`.
 * An all-zero attribution draws as zeros rather than failing. Tensors are read, not disposed.
 *
 * @example
 * ```ts
 * const { dataURL } = await attributionOverlay(image, attr, { method: 'blended_heat_map', sign: 'positive' });
 * ```
 */
export async function attributionOverlay(
  image: OverlayInput | undefined,
  attr: OverlayInput,
  options: AttributionOverlayOptions = {},
): Promise<RenderedOverlay> {
  const method = keyword(
    options.method,
    'method',
    OVERLAY_METHODS,
    attributionOverlayDefaults.method,
  );
  const sign = keyword(options.sign, 'sign', ATTRIBUTION_SIGNS, attributionOverlayDefaults.sign);
  const alpha = assertNumber(options.alpha ?? attributionOverlayDefaults.alpha, 'alpha', 0, 1);
  if (method === 'masked_image' && sign === 'all') {
    throw new InterpError(
      'INVALID_OPTION',
      "masked_image cannot show positive and negative attributions at once; pass sign 'positive', 'negative' or 'absolute_value'",
    );
  }
  const a = await readArray(attr, 'attr');
  const { height, width } = mapShape(a, 'attr');
  const norm = normalizeAttribution(a, {
    sign,
    outlierPerc: options.outlierPerc ?? attributionOverlayDefaults.outlierPerc,
  });
  const rgba = new Uint8Array(width * height * 4);
  const lut = signColormap(sign);
  const [vmin, vmax] = sign === 'all' ? [-1, 1] : [0, 1];
  const heat = (p: number, c: number) => lut[lutIndex((norm[p]! - vmin) / (vmax - vmin)) * 3 + c]!;
  if (method === 'heat_map') {
    for (let p = 0; p < norm.length; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = heat(p, c);
      rgba[p * 4 + 3] = 255;
    }
    return finish(rgba, width, height);
  }
  if (image === undefined) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${method} needs the image; pass it as the first argument`,
    );
  }
  const img = await readArray(image, 'image');
  const shape = mapShape(img, 'image');
  if (shape.height !== height || shape.width !== width) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `image is ${shape.height}x${shape.width} but attr is ${height}x${width}; they must match (upsample GradCAM maps to the input size)`,
    );
  }
  const pixels = toBytes(img.data, shape.channels);
  const ch = shape.channels;
  if (method === 'masked_image') {
    for (let p = 0; p < norm.length; p++) {
      for (let c = 0; c < 3; c++) {
        const v = pixels[p * ch + (ch === 1 ? 0 : c)]! * norm[p]!;
        rgba[p * 4 + c] = Math.min(255, Math.max(0, Math.trunc(v)));
      }
      rgba[p * 4 + 3] = ch === 4 ? pixels[p * 4 + 3]! : 255;
    }
    return finish(rgba, width, height);
  }
  // blended_heat_map: matplotlib draws the gray image stretched to its own min..max.
  const colorChannels = ch === 4 ? 3 : ch;
  const gray = new Float64Array(norm.length);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < gray.length; p++) {
    let s = 0;
    for (let c = 0; c < colorChannels; c++) s += pixels[p * ch + c]!;
    gray[p] = s / colorChannels;
    lo = Math.min(lo, gray[p]!);
    hi = Math.max(hi, gray[p]!);
  }
  const grayLut = (v: number) => (hi > lo ? lutIndex((v - lo) / (hi - lo)) : 0);
  for (let p = 0; p < norm.length; p++) {
    const g = grayLut(gray[p]!);
    for (let c = 0; c < 3; c++) {
      rgba[p * 4 + c] = Math.round((1 - alpha) * g + alpha * heat(p, c));
    }
    rgba[p * 4 + 3] = 255;
  }
  return finish(rgba, width, height);
}

async function finish(rgba: Uint8Array, width: number, height: number): Promise<RenderedOverlay> {
  return { width, height, rgba, dataURL: pngDataURL(encodePNG(rgba, width, height)) };
}

/** Captum's image handling: an image whose maximum is <= 1 is scaled to 0..255 and truncated. */
function toBytes(data: ArrayLike<number>, _channels: number): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < data.length; i++) max = Math.max(max, data[i]!);
  const out = new Float64Array(data.length);
  const scale = max <= 1 ? 255 : 1;
  for (let i = 0; i < data.length; i++) {
    out[i] = Math.min(255, Math.max(0, Math.trunc(data[i]! * scale)));
  }
  return out;
}

async function readArray(a: OverlayInput, name: string): Promise<NDArray<ArrayLike<number>>> {
  if (a instanceof tf.Tensor) {
    if (a.isDisposed) throw new InterpError('INVALID_ARGUMENT', `${name} has been disposed`);
    return { data: await a.data(), shape: a.shape };
  }
  return a;
}
