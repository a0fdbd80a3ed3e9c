/** Parses `rgb(r, g, b)` (what viz's colormap returns) into 0..255 components. */
export function parseRgb(color: string): [number, number, number] {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(color);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

/**
 * Black or white, whichever contrasts more with the background (WCAG relative luminance), so
 * counts stay readable on both ends of the colormap.
 */
export function textColorOn(background: string): string {
  const [r, g, b] = parseRgb(background).map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast against black is (L + 0.05) / 0.05, against white 1.05 / (L + 0.05); equal at L ~ 0.179.
  return lum > 0.179 ? '#000000' : '#ffffff';
}

/**
 * Distinct colors for mask classes (Tableau 10, then a second, darker cycle), as RGB bytes.
 * Class k gets entry k mod the palette's length.
 */
const MASK_PALETTE: readonly [number, number, number][] = [
  [31, 119, 180],
  [255, 127, 14],
  [44, 160, 44],
  [214, 39, 40],
  [148, 103, 189],
  [140, 86, 75],
  [227, 119, 194],
  [127, 127, 127],
  [188, 189, 34],
  [23, 190, 207],
  [57, 59, 121],
  [140, 109, 49],
  [132, 60, 57],
  [123, 65, 115],
  [82, 84, 163],
  [99, 121, 57],
];

/** The RGB color of mask class `k`. */
export function maskColor(k: number): [number, number, number] {
  return MASK_PALETTE[k % MASK_PALETTE.length]!;
}
