import { InterpError, type PresetName, preprocessPreset } from '@interp/core/base';
import { type ImageLayout, imageFolderDefaults, type RawImage } from './image-folder-types.js';
import { resizeBilinear } from './resize-bilinear.js';

/** How one image becomes model input. */
export interface ImageToInputOptions {
  /** Output `[height, width]`. */
  size: readonly [number, number];
  /** 1 (gray) or 3 (RGB). */
  channels: 1 | 3;
  /** Per-channel mean of `pixel / 255` (one value = every channel). */
  mean: readonly number[];
  /** Per-channel standard deviation (one value = every channel). */
  std: readonly number[];
  /** Layout written into `out` (default channels last). */
  layout?: ImageLayout;
}

/**
 * The mean and std to use: explicit `mean`/`std` win over the preset (default `[0,1]`); a missing
 * half of an explicit pair comes from the preset.
 *
 * @example
 * ```ts
 * resolveNormalization({ preset: 'imagenet' }).std; // [0.229, 0.224, 0.225]
 * ```
 */
export function resolveNormalization(options: {
  preset?: PresetName;
  mean?: readonly number[];
  std?: readonly number[];
}): { mean: readonly number[]; std: readonly number[] } {
  const p = preprocessPreset(options.preset ?? imageFolderDefaults.preset);
  const mean = options.mean ?? p.mean;
  const std = options.std ?? p.std;
  for (const [name, v] of [
    ['mean', mean],
    ['std', std],
  ] as const) {
    if (v.length === 0 || v.some((x) => !Number.isFinite(x))) {
      throw new InterpError(
        'INVALID_OPTION',
        `${name} must be finite numbers, got [${v.join(', ')}]`,
      );
    }
  }
  if (std.some((s) => s === 0)) {
    throw new InterpError('INVALID_OPTION', `std must not contain 0, got [${std.join(', ')}]`);
  }
  return { mean, std };
}

/**
 * Whether every pixel of an RGBA image has R = G = B (a gray image, whatever its file's color type).
 *
 * @example
 * ```ts
 * isGray({ data: Uint8Array.of(5, 5, 5, 255), width: 1, height: 1 }); // true
 * ```
 */
export function isGray(image: RawImage): boolean {
  const d = image.data;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i] !== d[i + 1] || d[i] !== d[i + 2]) return false;
  }
  return true;
}

/**
 * One RGBA image as model input: alpha dropped (as PIL's `convert('RGB')`), converted to gray with
 * PIL's `L` weights (0.299 R + 0.587 G + 0.114 B, unrounded) when `channels` is 1, resized
 * ({@link resizeBilinear}, half-pixel centers) and normalized to `(v / 255 - mean[c]) / std[c]`.
 * Written into `out` at `offset` in `layout` (default `NHWC`, i.e. HWC for one image).
 *
 * @example
 * ```ts
 * const out = new Float32Array(1);
 * imageToInput({ data: Uint8Array.of(255, 255, 255, 255), width: 1, height: 1 },
 *   { size: [1, 1], channels: 1, mean: [0.5], std: [0.5] }, out); // out = [1]
 * ```
 */
export function imageToInput(
  image: RawImage,
  options: ImageToInputOptions,
  out: Float32Array,
  offset = 0,
): void {
  const { size, channels, mean, std, layout = 'NHWC' } = options;
  for (const [name, v] of [
    ['mean', mean],
    ['std', std],
  ] as const) {
    if (v.length !== 1 && v.length !== channels) {
      throw new InterpError(
        'INVALID_OPTION',
        `${name} has ${v.length} values but the model takes ${channels}-channel images; give 1 or ${channels} values`,
      );
    }
  }
  const { width, height, data } = image;
  const plane = width * height;
  const pixels = new Float32Array(plane * channels);
  for (let p = 0; p < plane; p++) {
    const r = data[4 * p]!;
    const g = data[4 * p + 1]!;
    const b = data[4 * p + 2]!;
    if (channels === 1) pixels[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    else {
      pixels[3 * p] = r;
      pixels[3 * p + 1] = g;
      pixels[3 * p + 2] = b;
    }
  }
  const resized = resizeBilinear(pixels, [height, width, channels], size);
  const n = size[0] * size[1];
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < channels; c++) {
      const m = mean.length === 1 ? mean[0]! : mean[c]!;
      const s = std.length === 1 ? std[0]! : std[c]!;
      const v = (resized[p * channels + c]! / 255 - m) / s;
      out[offset + (layout === 'NHWC' ? p * channels + c : c * n + p)] = v;
    }
  }
}
