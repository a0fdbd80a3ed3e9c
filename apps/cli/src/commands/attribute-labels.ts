import { InterpError, preprocessPixels, preprocessPresets } from '@interp/core/base';
import { printable } from '../format/printable.js';
import { readVocab } from '../io/read-vocab.js';

/** The `--preset` names, from core's presets (shared with the image loader). */
export const PRESET_NAMES = Object.keys(preprocessPresets) as (keyof typeof preprocessPresets)[];

/**
 * Reads `--labels FILE` (a JSON array of names or one name per line, as `readVocab`), or
 * undefined without the option.
 *
 * @example
 * ```ts
 * readLabels('classes.txt', cwd); // ['drawing', 'hentai', 'neutral', 'porn', 'sexy']
 * ```
 */
export function readLabels(file: string | undefined, cwd: string): string[] | undefined {
  return file === undefined ? undefined : readVocab(file, cwd);
}

/**
 * A target as the text output shows it: `3 (porn)` with labels, `3` without. A target past the
 * labels is an InterpError: the file does not belong to the model.
 *
 * @example
 * ```ts
 * targetText(1, ['cat', 'dog'], 'labels.txt'); // '1 (dog)'
 * ```
 */
export function targetText(
  target: number,
  labels: readonly string[] | undefined,
  file = '--labels',
): string {
  if (labels === undefined) return String(target);
  if (target >= labels.length) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${printable(file)} names ${labels.length} classes but the target is class ${target}; pass the model's labels file`,
    );
  }
  return `${target} (${printable(labels[target]!)})`;
}

/**
 * Applies `--preset` to an input of 8-bit pixel values (0..255, channels last, 1 or 3
 * channels): returns the values the model takes. Undefined preset: the input as is.
 *
 * @example
 * ```ts
 * applyPreset({ data, shape: [1, 224, 224, 3] }, '[-1,1]');
 * ```
 */
export function applyPreset(
  input: { data: Float32Array; shape: number[] },
  preset: string | undefined,
): { data: Float32Array; shape: number[] } {
  if (preset === undefined) return input;
  const channels = input.shape.at(-1)!;
  if (input.shape.length < 3 || (channels !== 1 && channels !== 3)) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `--preset scales images with channels last (H x W x 1 or 3); this input has shape [${input.shape.join(', ')}]`,
    );
  }
  return {
    data: preprocessPixels(input.data, channels, preset as (typeof PRESET_NAMES)[number]),
    shape: input.shape,
  };
}
