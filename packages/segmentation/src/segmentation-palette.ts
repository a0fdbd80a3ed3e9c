import { assertInteger } from '@interp/core/internal';

/**
 * The first colors of {@link segmentationPalette}: black for class 0 (usually the background),
 * then ten well-separated hues (Tableau's category10 with its gray swapped for magenta, so no
 * class is mistaken for the background or for ignored pixels; a yellow there sat next to the
 * olive of class 8, and MNIST masks drew digits 7 and 9 alike).
 */
export const SEGMENTATION_PALETTE: readonly string[] = [
  '#000000',
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#bcbd22',
  '#17becf',
  '#ff00ff',
];

/** The color of pixels whose target is the ignore index. */
export const IGNORE_COLOR = '#ffffff';

/**
 * A categorical palette of `numClasses` hex colors, one per class: {@link SEGMENTATION_PALETTE}
 * first, then hues stepped by the golden angle (distinct neighbours for any number of classes).
 *
 * @example
 * ```ts
 * segmentationPalette(3); // ['#000000', '#1f77b4', '#ff7f0e']
 * ```
 */
export function segmentationPalette(numClasses: number): string[] {
  assertInteger(numClasses, 'numClasses', 1);
  const out = SEGMENTATION_PALETTE.slice(0, numClasses);
  for (let k = out.length; k < numClasses; k++) {
    // Golden-angle hues, lightness alternating so adjacent extra classes differ in brightness too.
    const hue = (k * 137.508) % 360;
    out.push(hslToHex(hue, 0.65, k % 2 === 0 ? 0.45 : 0.62));
  }
  return out;
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    const v = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(v * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${channel(0)}${channel(8)}${channel(4)}`;
}
