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

/** `#rrggbb` (or `#rgb`) to RGB bytes; black for anything else. */
export function parseHex(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim());
  if (!m) return [0, 0, 0];
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}
