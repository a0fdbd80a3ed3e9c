import { InterpError } from '@interp/core/base';
import { assertNumber } from '@interp/core/internal';
import { pngDataURL } from './base64.js';
import { encodePNG } from './encode-png.js';
import { checkDomain } from './internal/check-domain.js';
import { colormapTable, lutIndex } from './internal/colormap-table.js';
import { readImage } from './internal/read-image.js';
import { type ImageRange, toRGBA } from './internal/to-rgba.js';
import type { ImageInput } from './types.js';

/** Options of {@link heatmapOverlay}. */
export interface HeatmapOverlayOptions {
  /** Colormap of the heat map (see `colormap`). */
  cmap?: string;
  /** Opacity of the heat map over the image, in [0, 1]. */
  alpha?: number;
  /** How the image's values map to intensity, as in `imageToDataURL`. */
  range?: ImageRange;
  /**
   * Heat values mapped to the two ends of the colormap; by default the heat map's own min and
   * max. Pass a fixed domain to compare several overlays on one scale.
   */
  heatDomain?: readonly [number, number];
}

/** heatmapOverlay defaults, written once (GradCAM's usual jet at half opacity). */
export const heatmapOverlayDefaults: { readonly cmap: string; readonly alpha: number } =
  Object.freeze({ cmap: 'jet', alpha: 0.5 });

/**
 * Blends a heat map (an attribution, a GradCAM map, a loss map) over an image and returns the
 * result as a PNG data URL. The heat map is normalized to [0, 1] over `heatDomain`, colored with
 * `cmap` and mixed in with opacity `alpha`; a heat map of another size is resized to the image
 * by nearest neighbour (pixel centers aligned), so a 7x7 GradCAM map covers a 224x224 image.
 *
 * @example
 * ```ts
 * const url = heatmapOverlay(imageTensor, camTensor, { cmap: 'jet', alpha: 0.5 });
 * ```
 */
export function heatmapOverlay(
  image: ImageInput,
  heat: ImageInput,
  {
    cmap = heatmapOverlayDefaults.cmap,
    alpha = heatmapOverlayDefaults.alpha,
    range,
    heatDomain,
  }: HeatmapOverlayOptions = {},
): string {
  assertNumber(alpha, 'alpha', 0, 1);
  const lut = colormapTable(cmap);
  const img = readImage(image, 'image');
  const base = toRGBA(img, range, undefined, 'image');
  const h = readImage(heat, 'heat');
  if (h.channels !== 1) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `heat must have one channel ([H, W] or [H, W, 1]), got ${h.channels}; reduce the channels first (e.g. a sum or max over the last axis)`,
    );
  }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  if (heatDomain === undefined) {
    for (let i = 0; i < h.data.length; i++) {
      const v = h.data[i]!;
      if (!Number.isFinite(v)) {
        throw new InterpError(
          'NON_FINITE',
          `heat has a non-finite value (${v}) at index ${i}; replace NaN/Infinity before rendering`,
        );
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  } else {
    [lo, hi] = checkDomain(heatDomain, 'heatDomain')!;
  }
  const span = hi - lo;
  const { width, height } = img;
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const hy = Math.min(h.height - 1, Math.floor(((y + 0.5) * h.height) / height));
    for (let x = 0; x < width; x++) {
      const hx = Math.min(h.width - 1, Math.floor(((x + 0.5) * h.width) / width));
      const v = h.data[hy * h.width + hx]!;
      // NaN (possible only with an explicit heatDomain) falls to the low end like a constant map.
      const t = span > 0 && Number.isFinite(v) ? (v - lo) / span : 0;
      const li = lutIndex(t) * 3;
      const o = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        out[o + c] = Math.round((1 - alpha) * base[o + c]! + alpha * lut[li + c]!);
      }
      out[o + 3] = 255;
    }
  }
  return pngDataURL(encodePNG(out, width, height));
}
