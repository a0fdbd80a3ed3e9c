import { colormapTable, lutIndex } from './internal/colormap-table.js';

/**
 * A colormap as a function from t in [0, 1] to a CSS `rgb(r, g, b)` color, usable as Plot's
 * `interpolate` option. Names are case-insensitive: Plot's continuous schemes ('Blues',
 * 'viridis', 'RdBu', ...) plus matplotlib's 'jet' and 'gray'; a `_r` suffix reverses the map.
 * Colors come from a 256-entry table, as matplotlib's colormaps do.
 *
 * @example
 * ```ts
 * colormap('Blues')(1); // 'rgb(8, 48, 107)'
 * ```
 */
export function colormap(name: string): (t: number) => string {
  const lut = colormapTable(name);
  return (t) => {
    const i = lutIndex(t);
    return `rgb(${lut[i * 3]}, ${lut[i * 3 + 1]}, ${lut[i * 3 + 2]})`;
  };
}
