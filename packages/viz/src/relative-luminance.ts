/**
 * WCAG 2 relative luminance of an sRGB colour with 0..255 channels: 0 for black, 1 for white.
 *
 * @example
 * ```ts
 * relativeLuminance([255, 255, 255]); // 1
 * ```
 */
export function relativeLuminance([r, g, b]: readonly [number, number, number]): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}
