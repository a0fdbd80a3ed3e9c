import { classCount, InterpError, type NDArray } from '@interp/core/base';
import { describe } from '@interp/core/internal';
import { imageToDataURL, parseColor } from '@interp/viz/image';
import { MAX_CLASSES } from './metrics/confusion-counts.js';
import { IGNORE_COLOR, segmentationPalette } from './segmentation-palette.js';

/** Options of {@link maskToDataURL}. */
export interface MaskToDataURLOptions {
  /** A label drawn in `ignoreColor` instead of a palette color (for example 255 for "void"). */
  ignoreIndex?: number;
  /** Color of ignored pixels. */
  ignoreColor?: string;
}

/**
 * Renders a label mask as a PNG data URL, each pixel in its class's palette color, for `<img src>`
 * or an SVG `<image>`. The palette is a list of hex colors indexed by class; by default
 * {@link segmentationPalette} with as many colors as the mask's largest label needs.
 *
 * @example
 * ```ts
 * const url = maskToDataURL({ data: new Uint8Array([0, 1, 1, 2]), shape: [2, 2] }, ['#000', '#f00', '#00f']);
 * // 'data:image/png;base64,iVBORw0KGgo...'
 * ```
 */
export function maskToDataURL(
  mask: NDArray<ArrayLike<number>>,
  palette?: readonly string[],
  { ignoreIndex, ignoreColor = IGNORE_COLOR }: MaskToDataURLOptions = {},
): string {
  const [h, w] = maskSize(mask);
  const data = mask.data;
  // Capped, so a stray huge label errors below instead of building a huge palette.
  const colors =
    palette ?? segmentationPalette(Math.min(classCount([data], { ignoreIndex }), MAX_CLASSES));
  if (!Array.isArray(colors) || colors.length === 0) {
    throw new InterpError(
      'INVALID_OPTION',
      `palette must be a non-empty array of hex colors, got ${describe(palette)}`,
    );
  }
  const rgb = colors.map((c, k) => parseColor(c, `palette[${k}]`));
  const ignoreRgb = parseColor(ignoreColor, 'ignoreColor');
  const out = new Uint8Array(h * w * 3);
  for (let p = 0; p < h * w; p++) {
    const label = data[p]!;
    let color = rgb[label];
    if (color === undefined || !Number.isInteger(label)) {
      if (label !== ignoreIndex) {
        throw new InterpError(
          'LABEL_OUT_OF_RANGE',
          `mask pixel (row ${Math.floor(p / w)}, column ${p % w}) is ${label}, which has no palette color (0..${rgb.length - 1})${ignoreIndex === undefined ? '' : ` and is not the ignore index ${ignoreIndex}`}; pass a longer palette or the ignoreIndex`,
        );
      }
      color = ignoreRgb;
    }
    out[3 * p] = color[0];
    out[3 * p + 1] = color[1];
    out[3 * p + 2] = color[2];
  }
  return imageToDataURL({ data: out, shape: [h, w, 3] }, { range: '0-255' });
}

/** [H, W] of a mask of shape [H, W] or [H, W, 1], checked against its data. */
export function maskSize(mask: NDArray<ArrayLike<number>>): [number, number] {
  const shape = mask?.shape;
  const ok =
    Array.isArray(shape) &&
    (shape.length === 2 || (shape.length === 3 && shape[2] === 1)) &&
    shape.every((d) => Number.isInteger(d) && d > 0);
  if (!ok || mask.data == null || typeof mask.data.length !== 'number') {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `a mask must be { data, shape: [H, W] } with H, W >= 1, got shape ${Array.isArray(shape) ? `[${shape.join(', ')}]` : describe(shape)}`,
    );
  }
  const [h, w] = shape as [number, number];
  if (mask.data.length !== h * w) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `mask shape [${shape.join(', ')}] needs ${h * w} labels, got ${mask.data.length}`,
    );
  }
  return [h, w];
}
