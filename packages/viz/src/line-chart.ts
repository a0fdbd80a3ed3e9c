import { InterpError } from '@interp/core/base';
import { describe, keyword } from '@interp/core/internal';
import * as Plot from '@observablehq/plot';
import { checkDomain } from './internal/check-domain.js';
import {
  asSVG,
  optionalText,
  resolveSize,
  TITLE_MARGIN,
  titleMark,
} from './internal/plot-parts.js';
import { resolveDocument } from './resolve-document.js';
import type { DocumentOption, Figsize } from './types.js';

/** One line of a {@link lineChart}. */
export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Corner of the legend inside the plot frame. */
export type LegendPosition = 'top-right' | 'top-left' | 'bottom-right' | 'bottom-left';

/** Options of {@link lineChart}. */
export interface LineChartOptions extends DocumentOption {
  /** Label of the x axis; null or undefined for none. */
  xLabel?: string | null;
  /** Label of the y axis; null or undefined for none. */
  yLabel?: string | null;
  /** Title above the chart; null or undefined for none. */
  title?: string | null;
  /** Log-scaled x axis (learning rates); every x must then be > 0. */
  logX?: boolean;
  /** Log-scaled y axis; every y must then be > 0. */
  logY?: boolean;
  /** Figure size in inches, [width, height] at 72 px per inch. */
  figsize?: Figsize;
  /** Width in px; overrides figsize. */
  width?: number;
  /** Height in px; overrides figsize. */
  height?: number;
  /** x range shown; default the data's extent. */
  xDomain?: readonly [number, number];
  /** y range shown; default the data's extent. */
  yDomain?: readonly [number, number];
  /**
   * Where the legend of series names goes; null for none. Drawn only when there are two or
   * more series (one line needs no legend).
   */
  legend?: LegendPosition | null;
  /** Extra Plot marks drawn over the lines (a diagonal for ROC, a rule at a suggested lr, ...). */
  marks?: readonly Plot.Markish[];
}

const LEGEND_POSITIONS: readonly LegendPosition[] = [
  'top-right',
  'top-left',
  'bottom-right',
  'bottom-left',
];
const LEGEND_LINE = 13; // px per legend entry

/** lineChart defaults, written once (no extra marks unless given). */
export const lineChartDefaults: {
  readonly logX: boolean;
  readonly logY: boolean;
  readonly figsize: Figsize;
  readonly legend: LegendPosition;
  readonly marks: readonly Plot.Markish[];
} = Object.freeze({
  logX: false,
  logY: false,
  figsize: Object.freeze([8, 5] as const),
  legend: 'top-right',
  marks: Object.freeze([]),
});

/**
 * A multi-series line chart: one colored line per series, a legend of the series names, grid
 * lines. NaN or infinite points leave gaps. Used for loss curves, ROC/PR curves and the lr finder.
 *
 * @example
 * ```ts
 * const svg = lineChart(
 *   [{ name: 'train', x: [0, 1, 2], y: [1.2, 0.8, 0.6] }, { name: 'valid', x: [0, 1, 2], y: [1.3, 1.0, 0.9] }],
 *   { xLabel: 'epoch', yLabel: 'loss', document },
 * );
 * ```
 */
export function lineChart(
  series: readonly LineSeries[],
  {
    xLabel,
    yLabel,
    title,
    logX = lineChartDefaults.logX,
    logY = lineChartDefaults.logY,
    figsize = lineChartDefaults.figsize,
    width,
    height,
    xDomain,
    yDomain,
    legend = lineChartDefaults.legend,
    marks = lineChartDefaults.marks,
    document,
  }: LineChartOptions = {},
): SVGSVGElement {
  const doc = resolveDocument({ document });
  if (!Array.isArray(series)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `lineChart expects an array of { name, x, y }, got ${describe(series)}`,
    );
  }
  if (series.length === 0) {
    throw new InterpError(
      'EMPTY_INPUT',
      'lineChart got no series; pass at least one { name, x, y }',
    );
  }
  const legendAt = legend === null ? null : keyword(legend, 'legend', LEGEND_POSITIONS);
  const titleText = optionalText(title, 'title');
  const xAxisLabel = optionalText(xLabel, 'xLabel');
  const yAxisLabel = optionalText(yLabel, 'yLabel');
  if (!Array.isArray(marks)) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid marks: ${describe(marks)}; expected an array of Plot marks`,
    );
  }
  checkDomain(xDomain, 'xDomain');
  checkDomain(yDomain, 'yDomain');
  const size = resolveSize(figsize, width, height);
  const names = series.map((s, k) => {
    if (s == null || typeof s.x?.length !== 'number' || typeof s.y?.length !== 'number') {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `lineChart: series[${k}] must be { name, x, y } with arrays x and y, got ${describe(s)}`,
      );
    }
    if (s.x.length !== s.y.length) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `lineChart: series[${k}] (${String(s.name)}) has ${s.x.length} x values but ${s.y.length} y values; pass one y per x`,
      );
    }
    for (const [axis, values, log] of [
      ['x', s.x, logX],
      ['y', s.y, logY],
    ] as const) {
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!;
        if (typeof v !== 'number') {
          throw new InterpError(
            'INVALID_ARGUMENT',
            `lineChart: series[${k}].${axis}[${i}] is ${describe(v)}, not a number`,
          );
        }
        if (log && v <= 0) {
          throw new InterpError(
            'INVALID_ARGUMENT',
            `lineChart: series[${k}].${axis}[${i}] = ${v}, but a log ${axis} axis needs values > 0; drop those points or turn log${axis.toUpperCase()} off`,
          );
        }
      }
    }
    return String(s.name);
  });
  const color = Plot.scale({
    color: { type: 'categorical', domain: names.map((_, k) => String(k)) },
  });
  const colorOf = (k: number) => String(color.apply(String(k)));

  const all: Plot.Markish[] = series.map((s, k) => {
    const points = Array.from({ length: s.x.length }, (_, i) => ({ x: s.x[i]!, y: s.y[i]! }));
    // Plot breaks a line at undefined points; NaN and infinities become gaps instead of spikes.
    return Plot.line(points, {
      x: (p: { x: number }) => (Number.isFinite(p.x) ? p.x : undefined),
      y: (p: { y: number }) => (Number.isFinite(p.y) ? p.y : undefined),
      stroke: colorOf(k),
      strokeWidth: 1.5,
    });
  });
  all.push(...marks);
  if (legendAt && series.length > 1) all.push(...legendMarks(names, colorOf, legendAt));
  const top = titleText ? TITLE_MARGIN : 20;
  if (titleText) all.push(titleMark(titleText, top));
  const svg = Plot.plot({
    document: doc,
    width: size.width,
    height: size.height,
    marginTop: top,
    marginBottom: xAxisLabel ? 40 : 30,
    marginLeft: yAxisLabel ? 55 : 45,
    marginRight: 20,
    x: {
      type: logX ? 'log' : 'linear',
      label: xAxisLabel,
      labelAnchor: 'center',
      labelArrow: 'none',
      grid: true,
      ...(xDomain ? { domain: [...xDomain] } : {}),
    },
    y: {
      type: logY ? 'log' : 'linear',
      label: yAxisLabel,
      labelAnchor: 'center',
      labelArrow: 'none',
      grid: true,
      ...(yDomain ? { domain: [...yDomain] } : {}),
    },
    marks: all,
  });
  return asSVG(svg);
}

function legendMarks(
  names: readonly string[],
  colorOf: (k: number) => string,
  at: LegendPosition,
): Plot.Markish[] {
  const topSide = at.startsWith('top');
  const rightSide = at.endsWith('right');
  return names.map((name, k) =>
    Plot.text([`\u2014 ${name}`], {
      text: (d: string) => d,
      frameAnchor: at,
      textAnchor: rightSide ? 'end' : 'start',
      lineAnchor: topSide ? 'top' : 'bottom',
      dx: rightSide ? -6 : 6,
      dy: topSide ? 6 + k * LEGEND_LINE : -6 - (names.length - 1 - k) * LEGEND_LINE,
      fill: colorOf(k),
      stroke: 'white',
      strokeWidth: 3,
      paintOrder: 'stroke',
    }),
  );
}
