import { InterpError } from '@interp/core/base';

/**
 * Parses a CSS colour as charts and colormaps write it — `#rgb`, `#rrggbb`, `rgb(r, g, b)` or
 * `rgba(r, g, b, a)` (alpha ignored) — into [r, g, b] with 0..255 channels. The one colour parser
 * of the house: palettes, contrast and overlays all go through it. `name` says which option the
 * colour came from in the error.
 *
 * @example
 * ```ts
 * parseColor('#f80');            // [255, 136, 0]
 * parseColor('rgb(8, 48, 107)'); // [8, 48, 107]
 * ```
 */
export function parseColor(color: unknown, name?: string): [number, number, number] {
  if (typeof color === 'string') {
    const s = color.trim();
    const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(s);
    if (fn) return [Number(fn[1]), Number(fn[2]), Number(fn[3])];
    const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(s);
    if (hex) {
      const h = hex[1]!.length === 3 ? [...hex[1]!].map((c) => c + c).join('') : hex[1]!;
      return [0, 2, 4].map((i) => Number.parseInt(h.slice(i, i + 2), 16)) as [
        number,
        number,
        number,
      ];
    }
  }
  throw new InterpError(
    'INVALID_OPTION',
    `${name ?? 'color'} = ${JSON.stringify(color)} is not a hex color or rgb(r, g, b); pass colors such as '#1f77b4', '#f80' or 'rgb(31, 119, 180)'`,
  );
}
