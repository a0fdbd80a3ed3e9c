import { parseColor } from './parse-color.js';
import { relativeLuminance } from './relative-luminance.js';

/**
 * Black or white, whichever has the higher WCAG contrast ratio against `fill` (any colour
 * {@link parseColor} reads), for text drawn on a coloured cell. Contrast against black is
 * (L + 0.05) / 0.05 and against white 1.05 / (L + 0.05): equal at luminance ~0.179, so darker
 * fills get white text.
 *
 * @example
 * ```ts
 * contrastingTextColor('#08306b'); // 'white'
 * contrastingTextColor('rgb(247, 251, 255)'); // 'black'
 * ```
 */
export function contrastingTextColor(fill: string): 'black' | 'white' {
  const l = relativeLuminance(parseColor(fill, 'fill'));
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? 'black' : 'white';
}
