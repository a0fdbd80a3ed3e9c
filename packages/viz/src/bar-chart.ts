import { InterpError } from '@interp/core/base';
import { describe, keyword } from '@interp/core/internal';
import * as Plot from '@observablehq/plot';
import {
  asSVG,
  optionalText,
  resolveSize,
  TITLE_MARGIN,
  textWidth,
  titleMark,
} from './internal/plot-parts.js';
import { resolveDocument } from './resolve-document.js';
import type { DocumentOption, Figsize } from './types.js';

/** One bar of a {@link barChart}. */
export interface BarDatum {
  label: string;
  value: number;
  /** Half-width of an error bar drawn from value - error to value + error (e.g. one std). */
  error?: number;
}

/** Bar order: largest value on top, smallest on top, or the input order. */
export type BarSort = 'descending' | 'ascending' | 'none';

/** Options of {@link barChart}. */
export interface BarChartOptions extends DocumentOption {
  /** Title above the chart; null or undefined for none. */
  title?: string | null;
  /** Label of the value axis; null or undefined for none. */
  xLabel?: string | null;
  /** Figure size in inches; default 8 wide and 1 + 0.3 per bar high (at least 2). */
  figsize?: Figsize;
  /** Width in px; overrides figsize. */
  width?: number;
  /** Height in px; overrides figsize. */
  height?: number;
  /** Bar order, top to bottom; null is the same as 'none' (input order). */
  sort?: BarSort | null;
  /** Bar color (CSS). */
  color?: string;
  /** Left margin in px; default fitted to the labels. */
  marginLeft?: number;
}

const BAR_SORTS: readonly BarSort[] = ['descending', 'ascending', 'none'];

/** barChart defaults, written once. */
export const barChartDefaults: {
  readonly sort: BarSort;
  readonly color: string;
  /** Without `figsize`: this many inches wide, ... */
  readonly widthInches: number;
  /** ... and 1 inch plus this much per bar high, ... */
  readonly inchesPerBar: number;
  /** ... but at least this high. */
  readonly minHeightInches: number;
} = Object.freeze({
  sort: 'descending',
  color: '#4e79a7',
  widthInches: 8,
  inchesPerBar: 0.3,
  minHeightInches: 2,
});

/**
 * Horizontal bars, one per label, with optional ±error bars; bars start at 0, so negative values
 * point left. Labels are set as text and may repeat. Used for feature importance.
 *
 * @example
 * ```ts
 * const svg = barChart(
 *   [{ label: 'age', value: 0.12, error: 0.02 }, { label: 'fare', value: 0.05 }],
 *   { title: 'Permutation importance', xLabel: 'drop in accuracy', document },
 * );
 * ```
 */
export function barChart(
  data: readonly BarDatum[],
  {
    title,
    xLabel,
    figsize,
    width,
    height,
    sort = barChartDefaults.sort,
    color = barChartDefaults.color,
    marginLeft,
    document,
  }: BarChartOptions = {},
): SVGSVGElement {
  const doc = resolveDocument({ document });
  if (!Array.isArray(data)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `barChart expects an array of { label, value, error? }, got ${describe(data)}`,
    );
  }
  if (data.length === 0) {
    throw new InterpError(
      'EMPTY_INPUT',
      'barChart got no bars; pass at least one { label, value }',
    );
  }
  const order = keyword(sort === null ? 'none' : sort, 'sort', BAR_SORTS);
  const titleText = optionalText(title, 'title');
  const axisLabel = optionalText(xLabel, 'xLabel');
  const bars = data.map((d, k) => {
    if (d == null || typeof d.value !== 'number' || !Number.isFinite(d.value)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `barChart: data[${k}].value must be a finite number, got ${describe(d?.value)}`,
      );
    }
    if (
      d.error !== undefined &&
      !(typeof d.error === 'number' && Number.isFinite(d.error) && d.error >= 0)
    ) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `barChart: data[${k}].error must be a finite number >= 0 or undefined, got ${describe(d.error)}`,
      );
    }
    return { k, label: String(d.label), value: d.value, error: d.error };
  });
  const n = bars.length;
  const size = resolveSize(
    figsize ?? [
      barChartDefaults.widthInches,
      Math.max(barChartDefaults.minHeightInches, 1 + barChartDefaults.inchesPerBar * n),
    ],
    width,
    height,
  );
  const sorted = [...bars];
  // Array.prototype.sort is stable, so equal values keep the input order (lower index first).
  if (order === 'descending') sorted.sort((a, b) => b.value - a.value);
  else if (order === 'ascending') sorted.sort((a, b) => a.value - b.value);
  const labels = bars.map((b) => b.label);
  const left =
    marginLeft ?? Math.max(40, Math.ceil(Math.max(...labels.map((s) => textWidth(s))) + 14));
  const top = titleText ? TITLE_MARGIN : 10;
  const bottom = axisLabel ? 40 : 30;
  const band = (size.height - top - bottom) / n;
  const withError = bars.filter((b) => b.error !== undefined);
  const marks: Plot.Markish[] = [
    Plot.barX(bars, { x: 'value', y: 'k', fill: color }),
    Plot.ruleX([0]),
  ];
  if (withError.length > 0) {
    const lo = (b: (typeof bars)[number]) => b.value - b.error!;
    const hi = (b: (typeof bars)[number]) => b.value + b.error!;
    const cap = band * 0.3;
    marks.push(
      Plot.ruleY(withError, { y: 'k', x1: lo, x2: hi, stroke: 'black' }),
      Plot.tickX(withError, { x: lo, y: 'k', stroke: 'black', insetTop: cap, insetBottom: cap }),
      Plot.tickX(withError, { x: hi, y: 'k', stroke: 'black', insetTop: cap, insetBottom: cap }),
    );
  }
  if (titleText) marks.push(titleMark(titleText, top));
  const svg = Plot.plot({
    document: doc,
    width: size.width,
    height: size.height,
    marginLeft: left,
    marginTop: top,
    marginBottom: bottom,
    marginRight: 20,
    x: { label: axisLabel, labelAnchor: 'center', labelArrow: 'none', grid: true, nice: true },
    y: {
      type: 'band',
      domain: sorted.map((b) => b.k),
      tickFormat: (k: number) => labels[k]!,
      label: null,
      padding: 0.2,
    },
    marks,
  });
  return asSVG(svg);
}
