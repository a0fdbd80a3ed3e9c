import { InterpError } from '@interp/core/base';
import { describe, keyword } from '@interp/core/internal';
import * as Plot from '@observablehq/plot';
import { imageToDataURL } from '../image-to-data-url.js';
import {
  asSVG,
  optionalText,
  resolveSize,
  TITLE_MARGIN,
  titleMark,
} from '../internal/plot-parts.js';
import { resolveDocument } from '../resolve-document.js';
import type { DocumentOption, Figsize } from '../types.js';

/** Options of {@link rasterChart}. */
export interface RasterChartOptions extends DocumentOption {
  xLabel?: string | null;
  yLabel?: string | null;
  title?: string | null;
  /** Colormap of the values (stretched from their min to their max). */
  cmap?: string;
  /** 'lower' puts row 0 at the bottom (matplotlib's `imshow(origin='lower')`), 'upper' at the top. */
  origin?: 'lower' | 'upper';
  /** x values at the left and right edges of the image; default [0, columns]. */
  xDomain?: readonly [number, number];
  /** y values at the edges of row 0 and of the last row; default [0, rows]. */
  yDomain?: readonly [number, number];
  figsize?: Figsize;
  width?: number;
  height?: number;
}

/** rasterChart defaults, written once. */
export const rasterChartDefaults: {
  readonly cmap: string;
  readonly origin: 'upper' | 'lower';
  readonly figsize: Figsize;
} = Object.freeze({
  cmap: 'viridis',
  origin: 'upper',
  figsize: Object.freeze([8, 4] as const),
});

/**
 * A matrix drawn as an image (one pixel per value, colormapped from its min to its max) inside
 * axes, like matplotlib's `imshow`: compact for large matrices such as a histogram per training
 * batch (fastai's "colorful dimension").
 *
 * @example
 * ```ts
 * const svg = rasterChart(histograms, { origin: 'lower', xLabel: 'batch', yLabel: 'activation', document });
 * ```
 */
export function rasterChart(
  matrix: readonly ArrayLike<number>[],
  {
    xLabel,
    yLabel,
    title,
    cmap = rasterChartDefaults.cmap,
    origin = rasterChartDefaults.origin,
    xDomain,
    yDomain,
    figsize = rasterChartDefaults.figsize,
    width,
    height,
    document,
  }: RasterChartOptions = {},
): SVGSVGElement {
  const doc = resolveDocument({ document });
  if (!Array.isArray(matrix) || matrix.length === 0 || !(matrix[0]?.length > 0)) {
    throw new InterpError(
      matrix?.length === 0 || matrix?.[0]?.length === 0 ? 'EMPTY_INPUT' : 'INVALID_ARGUMENT',
      `rasterChart expects a non-empty matrix (an array of rows of numbers), got ${describe(matrix)}`,
    );
  }
  const at = keyword(origin, 'origin', ['lower', 'upper'] as const);
  const rows = matrix.length;
  const cols = matrix[0]!.length;
  const data = new Float32Array(rows * cols);
  matrix.forEach((row, i) => {
    if (row?.length !== cols) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `rasterChart: row ${i} has ${row?.length} values but row 0 has ${cols}; every row needs the same length`,
      );
    }
    // Image row 0 is drawn at the top; with origin 'lower' matrix row 0 goes to the bottom.
    const r = at === 'lower' ? rows - 1 - i : i;
    for (let j = 0; j < cols; j++) data[r * cols + j] = row[j]!;
  });
  const xd = domainOf(xDomain, [0, cols], 'xDomain');
  const yd = domainOf(yDomain, [0, rows], 'yDomain');
  const titleText = optionalText(title, 'title');
  const size = resolveSize(figsize, width, height);
  const margin = {
    top: titleText ? TITLE_MARGIN : 10,
    right: 15,
    bottom: xLabel ? 40 : 30,
    left: yLabel ? 55 : 45,
  };
  const frameWidth = size.width - margin.left - margin.right;
  const frameHeight = size.height - margin.top - margin.bottom;
  const src = imageToDataURL({ data, shape: [rows, cols] }, { range: 'minmax', cmap });
  const marks: Plot.Markish[] = [
    Plot.image([0], {
      frameAnchor: 'middle',
      src: () => src,
      width: frameWidth,
      height: frameHeight,
      preserveAspectRatio: 'none',
      imageRendering: 'pixelated',
    }),
    Plot.frame(),
  ];
  if (titleText) marks.push(titleMark(titleText, margin.top));
  const svg = Plot.plot({
    document: doc,
    width: size.width,
    height: size.height,
    marginTop: margin.top,
    marginRight: margin.right,
    marginBottom: margin.bottom,
    marginLeft: margin.left,
    x: {
      domain: [...xd],
      label: optionalText(xLabel, 'xLabel'),
      labelAnchor: 'center',
      labelArrow: 'none',
    },
    y: {
      domain: at === 'lower' ? [...yd] : [yd[1], yd[0]],
      label: optionalText(yLabel, 'yLabel'),
      labelAnchor: 'center',
      labelArrow: 'none',
    },
    marks,
  });
  return asSVG(svg);
}

function domainOf(
  d: readonly [number, number] | undefined,
  fallback: [number, number],
  name: string,
): readonly [number, number] {
  if (d === undefined) return fallback;
  if (!Array.isArray(d) || d.length !== 2 || !d.every(Number.isFinite) || !(d[0] < d[1])) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid ${name}: ${Array.isArray(d) ? JSON.stringify(d) : describe(d)}; expected [low, high] with low < high`,
    );
  }
  return d;
}
