import { InterpError } from './errors.js';
import { describe } from './validate.js';

/** Names of the preprocessing presets pretrained image models expect. */
export type PresetName = '[0,1]' | '[-1,1]' | 'imagenet';

/**
 * How to turn 8-bit pixel values (0..255) into model input: `(pixel / 255 - mean[c]) / std[c]`
 * per channel `c` (RGB order). A one-element `mean`/`std` applies to every channel.
 */
export interface Preprocessing {
  readonly name: PresetName;
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * The presets, written once: `[0,1]` (pixel / 255, most tfjs models, nsfwjs), `[-1,1]`
 * (Keras MobileNet/Inception `preprocess_input`), `imagenet` (torchvision's mean/std).
 *
 * @example
 * ```ts
 * preprocessPresets.imagenet.mean; // [0.485, 0.456, 0.406]
 * ```
 */
export const preprocessPresets: Readonly<Record<PresetName, Preprocessing>> = Object.freeze({
  '[0,1]': { name: '[0,1]', mean: [0], std: [1] },
  '[-1,1]': { name: '[-1,1]', mean: [0.5], std: [0.5] },
  imagenet: { name: 'imagenet', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
});

/**
 * The preset of that name; an `InterpError` listing the names otherwise.
 *
 * @example
 * ```ts
 * preprocessPreset('[-1,1]').std; // [0.5]
 * ```
 */
export function preprocessPreset(name: string): Preprocessing {
  if (typeof name === 'string' && Object.hasOwn(preprocessPresets, name)) {
    return preprocessPresets[name as PresetName];
  }
  throw new InterpError(
    'INVALID_ARGUMENT',
    `unknown preprocessing preset ${describe(name)}; use one of ${Object.keys(preprocessPresets).join(', ')}`,
  );
}

/**
 * Applies a preset to interleaved 8-bit pixels (HWC or NHWC, `channels` last) and returns new
 * float32 values; the input is left alone. Tensor-free, so image loaders and the CLI share it.
 *
 * @example
 * ```ts
 * preprocessPixels(new Uint8Array([0, 255]), 1, '[-1,1]'); // Float32Array [-1, 1]
 * ```
 */
export function preprocessPixels(
  pixels: ArrayLike<number>,
  channels: number,
  preset: PresetName | Preprocessing,
): Float32Array {
  const p = typeof preset === 'string' ? preprocessPreset(preset) : preset;
  if (!Number.isInteger(channels) || channels < 1 || pixels.length % channels !== 0) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `preprocessPixels: channels must be a positive integer dividing the ${pixels.length} values, got ${describe(channels)}`,
    );
  }
  if (p.mean.length !== 1 && p.mean.length !== channels) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `preprocessPixels: preset ${p.name} has ${p.mean.length} channel means but the pixels have ${channels} channels; use [0,1] or [-1,1] for non-RGB images`,
    );
  }
  const out = new Float32Array(pixels.length);
  const mean = p.mean.length === 1 ? Array(channels).fill(p.mean[0]) : p.mean;
  const std = p.std.length === 1 ? Array(channels).fill(p.std[0]) : p.std;
  for (let i = 0; i < pixels.length; i++) {
    const c = i % channels;
    out[i] = (pixels[i]! / 255 - mean[c]!) / std[c]!;
  }
  return out;
}
