import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';
import type { Figsize } from './types.js';

/** Pixels per inch when a matplotlib-style `figsize` becomes Plot's width and height. */
export const PX_PER_INCH = 72;

/**
 * Converts a `[widthInches, heightInches]` figure size to whole pixels at 72 px per inch, the
 * convention every plot function of interp uses for its `figsize` option.
 *
 * @example
 * ```ts
 * figsizeToPx([8, 5]); // { width: 576, height: 360 }
 * ```
 */
export function figsizeToPx(figsize: Figsize, name = 'figsize'): { width: number; height: number } {
  if (
    !Array.isArray(figsize) ||
    figsize.length !== 2 ||
    !figsize.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0)
  ) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid ${name}: ${Array.isArray(figsize) ? JSON.stringify(figsize) : describe(figsize)}; expected [widthInches, heightInches], two positive numbers (72 px per inch)`,
    );
  }
  return {
    width: Math.round(figsize[0] * PX_PER_INCH),
    height: Math.round(figsize[1] * PX_PER_INCH),
  };
}
