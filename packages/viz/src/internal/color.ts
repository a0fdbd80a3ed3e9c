/** Parses the CSS colors d3 interpolators produce (`rgb(r, g, b)`, `rgba(...)`, `#rgb`, `#rrggbb`). */
export function parseColor(css: string): [number, number, number] {
  const s = css.trim();
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(s);
  if (fn) return [Number(fn[1]), Number(fn[2]), Number(fn[3])];
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s);
  if (hex) {
    const h = hex[1]!;
    if (h.length === 3)
      return [0, 1, 2].map((i) => Number.parseInt(h[i]! + h[i]!, 16)) as [number, number, number];
    return [0, 2, 4].map((i) => Number.parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
  }
  throw new Error(`cannot parse color ${JSON.stringify(css)}`);
}

/** WCAG 2 relative luminance of an sRGB color with 0..255 channels. */
export function relativeLuminance([r, g, b]: readonly [number, number, number]): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/**
 * Black or white, whichever has the higher WCAG contrast ratio against `fill`. Equal contrast
 * happens at luminance ~0.179; darker fills get white text.
 */
export function contrastingTextColor(fill: string): 'black' | 'white' {
  const l = relativeLuminance(parseColor(fill));
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? 'black' : 'white';
}
