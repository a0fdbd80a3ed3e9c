import { pngDataURL } from './base64.js';
import { encodePNG } from './encode-png.js';
import { readImage } from './internal/read-image.js';
import { type ImageRange, toRGBA } from './internal/to-rgba.js';
import type { ImageInput } from './types.js';

export type { ImageRange } from './internal/to-rgba.js';
export { imageToDataURLDefaults } from './internal/to-rgba.js';

/** Options of {@link imageToDataURL}. */
export interface ImageToDataURLOptions {
  /**
   * How values map to intensity: 'auto' (the default: bytes by type, or any value above 1, mean
   * 0..255, else 0..1), '0-1', '0-255', or 'minmax' (stretch the image's own min..max). Values
   * outside the range are clipped.
   */
  range?: ImageRange;
  /** A colormap name (see `colormap`) to render a single-channel image in false color. */
  cmap?: string;
}

/**
 * Renders a grayscale or RGB(A) image to a PNG data URL, for `<img src>` or an SVG `<image>`.
 * Takes an `{ data, shape }` array in HWC order or a tfjs tensor of shape [H, W] or [H, W, C]
 * (C = 1, 3, 4); the tensor is read, not disposed.
 *
 * @example
 * ```ts
 * const url = imageToDataURL({ data: new Float32Array([0, 0.5, 1, 0.25]), shape: [2, 2] });
 * // 'data:image/png;base64,iVBORw0KGgo...'
 * ```
 */
export function imageToDataURL(
  image: ImageInput,
  { range, cmap }: ImageToDataURLOptions = {},
): string {
  const img = readImage(image);
  return pngDataURL(encodePNG(toRGBA(img, range, cmap, 'image'), img.width, img.height));
}
