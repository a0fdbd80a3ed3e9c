import { InterpError } from '@interp/core/base';
import { keyword } from '@interp/core/internal';
import { colormapTable, lutIndex } from './colormap-table.js';
import type { ImageData } from './read-image.js';

/** How image values map to intensity; see imageToDataURL. */
export type ImageRange = 'auto' | '0-1' | '0-255' | 'minmax';
export const IMAGE_RANGES: readonly ImageRange[] = ['auto', '0-1', '0-255', 'minmax'];

/** imageToDataURL defaults, written once (also the image part of heatmapOverlay). */
export const imageToDataURLDefaults: { readonly range: ImageRange } = Object.freeze({
  range: 'auto',
});

/**
 * Converts a read image to RGBA bytes. Color channels map through `range`; alpha (C = 4) is 0..1
 * or 0..255 by the same rule as 'auto' so 'minmax' never stretches transparency.
 */
export function toRGBA(
  img: ImageData,
  range: ImageRange | undefined,
  cmap: string | undefined,
  name: string,
): Uint8Array {
  const r = keyword(range, 'range', IMAGE_RANGES, imageToDataURLDefaults.range);
  const { data, height, width, channels, bytes } = img;
  const n = height * width;
  const colorChannels = channels === 4 ? 3 : channels;
  let lo = 0;
  let hi = Number.NEGATIVE_INFINITY;
  let lo255 = Number.POSITIVE_INFINITY;
  let alphaMax = 0;
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < channels; c++) {
      const v = data[p * channels + c]!;
      if (!Number.isFinite(v)) {
        throw new InterpError(
          'NON_FINITE',
          `${name} has a non-finite value (${v}) at pixel (row ${Math.floor(p / width)}, column ${p % width}), channel ${c}; replace NaN/Infinity before rendering`,
        );
      }
      if (c < colorChannels) {
        if (v > hi) hi = v;
        if (v < lo255) lo255 = v;
      } else if (v > alphaMax) alphaMax = v;
    }
  }
  const autoMax = (max: number): number => (bytes || max > 1 ? 255 : 1);
  if (r === 'minmax') lo = lo255;
  const scaleMax = r === '0-1' ? 1 : r === '0-255' ? 255 : r === 'minmax' ? hi : autoMax(hi);
  const span = scaleMax - lo;
  const alphaScale = autoMax(alphaMax);
  const lut = cmap === undefined ? undefined : colormapTable(cmap);
  if (lut && channels !== 1) {
    throw new InterpError(
      'INVALID_OPTION',
      `cmap maps one channel, but ${name} has ${channels}; pass a [H, W] or [H, W, 1] image, or leave cmap undefined`,
    );
  }
  const out = new Uint8Array(n * 4);
  // A constant image under 'minmax' has span 0: show it as the low end instead of dividing by 0.
  const unit = (v: number): number => (span > 0 ? (v - lo) / span : 0);
  const byte = (t: number): number => (t <= 0 ? 0 : t >= 1 ? 255 : Math.round(t * 255));
  for (let p = 0; p < n; p++) {
    const o = p * 4;
    if (channels === 1) {
      const t = unit(data[p]!);
      if (lut) {
        const i = lutIndex(t) * 3;
        out[o] = lut[i]!;
        out[o + 1] = lut[i + 1]!;
        out[o + 2] = lut[i + 2]!;
      } else out[o] = out[o + 1] = out[o + 2] = byte(t);
      out[o + 3] = 255;
    } else {
      const s = p * channels;
      out[o] = byte(unit(data[s]!));
      out[o + 1] = byte(unit(data[s + 1]!));
      out[o + 2] = byte(unit(data[s + 2]!));
      out[o + 3] = channels === 4 ? byte(data[s + 3]! / alphaScale) : 255;
    }
  }
  return out;
}
