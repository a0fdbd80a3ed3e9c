import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';
import * as Plot from '@observablehq/plot';
import { colormap } from './colormap.js';
import { contrastingTextColor } from './contrasting-text-color.js';
import { checkDomain } from './internal/check-domain.js';
import {
  asSVG,
  labelList,
  optionalText,
  resolveSize,
  TITLE_MARGIN,
  textWidth,
  titleMark,
} from './internal/plot-parts.js';
import { resolveDocument } from './resolve-document.js';
import type { DocumentOption, Figsize } from './types.js';

/** Options of {@link heatmap}. */
export interface HeatmapOptions extends DocumentOption {
  /** Column labels, left to right; default '0', '1', ... */
  xLabels?: readonly string[];
  /** Row labels, top to bottom; default '0', '1', ... */
  yLabels?: readonly string[];
  /** Label of the x axis (below the matrix); null or undefined for none. */
  xLabel?: string | null;
  /** Label of the y axis; null or undefined for none. */
  yLabel?: string | null;
  /** Title above the matrix; null or undefined for none. */
  title?: string | null;
  /** Colormap (see `colormap`): Plot schemes such as 'Blues', 'viridis', plus 'jet', 'gray'. */
  cmap?: string;
  /** Values at the two ends of the colormap; default the matrix's finite min and max. */
  domain?: readonly [number, number];
  /**
   * Text of each cell, or null for none. The default prints integers as they are and other
   * numbers with 2 decimals; non-finite values (drawn gray) get no text.
   */
  cellText?: ((value: number, i: number, j: number) => string) | null;
  /** Font size of the cell text in px; default fitted to the cell size (6 to 14). */
  fontSize?: number;
  /** Figure size in inches, [width, height] at 72 px per inch. */
  figsize?: Figsize;
  /** Width in px; overrides figsize. */
  width?: number;
  /** Height in px; overrides figsize. */
  height?: number;
  /** Left margin in px; default fitted to the row labels. */
  marginLeft?: number;
  /** Bottom margin in px; default fitted to the column labels. */
  marginBottom?: number;
}

/** Fill of cells whose value is NaN or infinite. */
const MISSING_FILL = '#e0e0e0';

function defaultCellText(value: number): string {
  if (!Number.isFinite(value)) return '';
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** heatmap defaults, written once. */
export const heatmapDefaults: {
  readonly cmap: string;
  readonly figsize: Figsize;
} = Object.freeze({
  cmap: 'Blues',
  figsize: Object.freeze([6, 6] as const),
});

/**
 * A matrix as a grid of colored cells with the values written in them: row i of `matrix` is the
 * i-th row from the top. Colors come from Plot's color scale over `domain` with `cmap`; each cell's
 * text is black or white, whichever contrasts more with its fill. Labels are set as text, never
 * parsed as markup. Used for confusion matrices.
 *
 * @example
 * ```ts
 * const svg = heatmap([[50, 2], [5, 43]], {
 *   xLabels: ['cat', 'dog'], yLabels: ['cat', 'dog'],
 *   xLabel: 'Predicted', yLabel: 'Actual', title: 'Confusion matrix', document,
 * });
 * ```
 */
export function heatmap(
  matrix: readonly ArrayLike<number>[] | readonly number[][],
  {
    xLabels,
    yLabels,
    xLabel,
    yLabel,
    title,
    cmap = heatmapDefaults.cmap,
    domain,
    cellText = defaultCellText,
    fontSize,
    figsize = heatmapDefaults.figsize,
    width,
    height,
    marginLeft,
    marginBottom,
    document,
  }: HeatmapOptions = {},
): SVGSVGElement {
  const doc = resolveDocument({ document });
  const { rows, cols } = checkMatrix(matrix);
  const xs = labelList(xLabels, cols, 'xLabels', 'columns');
  const ys = labelList(yLabels, rows, 'yLabels', 'rows');
  const titleText = optionalText(title, 'title');
  const xAxisLabel = optionalText(xLabel, 'xLabel');
  const yAxisLabel = optionalText(yLabel, 'yLabel');
  if (cellText !== null && typeof cellText !== 'function') {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid cellText: ${describe(cellText)}; expected a function (value, i, j) => string, or null`,
    );
  }
  const size = resolveSize(figsize, width, height);
  const [lo, hi] = colorDomain(matrix, domain);
  const color = Plot.scale({
    color: { type: 'linear', domain: [lo, hi], interpolate: colormap(cmap) },
  });

  const cells: { i: number; j: number; fill: string; text: string; textFill: string }[] = [];
  let maxChars = 1;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const value = matrix[i]![j]!;
      const fill = Number.isFinite(value) ? String(color.apply(value)) : MISSING_FILL;
      const text = cellText === null ? '' : String(cellText(value, i, j));
      maxChars = Math.max(maxChars, text.length);
      cells.push({ i, j, fill, text, textFill: contrastingTextColor(fill) });
    }
  }

  const longestX = Math.max(...xs.map((s) => textWidth(s)));
  const longestY = Math.max(...ys.map((s) => textWidth(s)));
  const left = marginLeft ?? Math.max(40, Math.ceil(longestY + 14 + (yAxisLabel ? 22 : 0)));
  const marginRight = 10;
  const cellWidth = (size.width - left - marginRight) / cols;
  // Rotate column labels when they would overlap their neighbours.
  const rotate = longestX > cellWidth - 4;
  const bottom =
    marginBottom ?? Math.ceil((rotate ? longestX * Math.SQRT1_2 + 18 : 24) + (xAxisLabel ? 18 : 0));
  const top = titleText ? TITLE_MARGIN : 10;
  const cellHeight = (size.height - top - bottom) / rows;
  const cellFont =
    fontSize ??
    Math.max(
      6,
      Math.min(14, Math.floor(Math.min(cellHeight * 0.45, cellWidth / (0.62 * maxChars + 0.5)))),
    );

  const index = (n: number) => Array.from({ length: n }, (_, k) => k);
  const marks: Plot.Markish[] = [
    Plot.cell(cells, { x: 'j', y: 'i', fill: { value: 'fill', scale: null }, inset: 0.5 }),
  ];
  if (cellText !== null) {
    marks.push(
      Plot.text(cells, {
        x: 'j',
        y: 'i',
        text: 'text',
        fill: { value: 'textFill', scale: null },
        fontSize: cellFont,
      }),
    );
  }
  if (titleText) marks.push(titleMark(titleText, top));
  const svg = Plot.plot({
    document: doc,
    width: size.width,
    height: size.height,
    marginLeft: left,
    marginRight,
    marginTop: top,
    marginBottom: bottom,
    x: {
      type: 'band',
      domain: index(cols),
      tickFormat: (j: number) => xs[j]!,
      label: xAxisLabel,
      labelAnchor: 'center',
      padding: 0,
      ...(rotate ? { tickRotate: -45 } : {}),
    },
    y: {
      type: 'band',
      domain: index(rows),
      tickFormat: (i: number) => ys[i]!,
      label: yAxisLabel,
      labelAnchor: 'center',
      padding: 0,
    },
    marks,
  });
  return asSVG(svg);
}

function checkMatrix(matrix: readonly ArrayLike<number>[]): { rows: number; cols: number } {
  if (!Array.isArray(matrix)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `heatmap expects a matrix (an array of rows), got ${describe(matrix)}`,
    );
  }
  if (matrix.length === 0 || (matrix[0]?.length ?? 0) === 0) {
    throw new InterpError(
      'EMPTY_INPUT',
      'heatmap got an empty matrix; pass at least one row with one value',
    );
  }
  const cols = matrix[0]!.length;
  for (let i = 0; i < matrix.length; i++) {
    const row = matrix[i];
    if (row == null || typeof row.length !== 'number') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `heatmap: row ${i} is ${describe(row)}, not an array of numbers`,
      );
    }
    if (row.length !== cols) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `heatmap: row ${i} has ${row.length} values but row 0 has ${cols}; every row needs the same length`,
      );
    }
    for (let j = 0; j < cols; j++) {
      if (typeof row[j] !== 'number') {
        throw new InterpError(
          'INVALID_ARGUMENT',
          `heatmap: matrix[${i}][${j}] is ${describe(row[j])}, not a number`,
        );
      }
    }
  }
  return { rows: matrix.length, cols };
}

function colorDomain(
  matrix: readonly ArrayLike<number>[],
  domain: readonly [number, number] | undefined,
): [number, number] {
  const given = checkDomain(domain, 'domain');
  if (given !== undefined) return [given[0], given[1]];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const row of matrix) {
    for (let j = 0; j < row.length; j++) {
      const v = row[j]!;
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (lo > hi) return [0, 1];
  // A constant matrix has no spread: draw every cell in the low color rather than divide by 0.
  return lo === hi ? [lo, lo + 1] : [lo, hi];
}
