import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';
import { type LineChartOptions, type LineSeries, lineChart } from '../line-chart.js';
import type { Figsize } from '../types.js';

/** Options of {@link plotMultiLosses}: lineChart's, plus one label per curve. */
export interface PlotMultiLossesOptions
  extends Pick<LineChartOptions, 'figsize' | 'title' | 'xLabel' | 'yLabel' | 'logY' | 'document'> {
  /** One name per loss curve; default 'loss 1', 'loss 2', ... */
  labels?: readonly string[];
}

/** plotMultiLosses defaults, written once (logY: lineChart's). */
export const plotMultiLossesDefaults: {
  readonly figsize: Figsize;
  readonly xLabel: string;
  readonly yLabel: string;
} = Object.freeze({
  figsize: Object.freeze([12, 8] as const),
  xLabel: 'iteration',
  yLabel: 'loss',
});

/**
 * Several loss curves on one chart for comparison (runs with different learning rates, train vs
 * valid per batch, ...): curve k is `lossesList[k]` against its index.
 *
 * @example
 * ```ts
 * plotMultiLosses([runA.recorder.losses, runB.recorder.losses], { labels: ['lr 1e-3', 'lr 1e-2'], document });
 * ```
 */
export function plotMultiLosses(
  lossesList: readonly ArrayLike<number>[],
  {
    labels,
    figsize = plotMultiLossesDefaults.figsize,
    title,
    xLabel = plotMultiLossesDefaults.xLabel,
    yLabel = plotMultiLossesDefaults.yLabel,
    logY,
    document,
  }: PlotMultiLossesOptions = {},
): SVGSVGElement {
  if (!Array.isArray(lossesList) || lossesList.some((l) => typeof l?.length !== 'number')) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `plotMultiLosses expects an array of loss arrays, got ${describe(lossesList)}`,
    );
  }
  if (lossesList.length === 0) {
    throw new InterpError(
      'EMPTY_INPUT',
      'plotMultiLosses got no loss curves; pass at least one array of losses',
    );
  }
  if (labels !== undefined && (!Array.isArray(labels) || labels.length !== lossesList.length)) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `plotMultiLosses: ${Array.isArray(labels) ? labels.length : describe(labels)} labels for ${lossesList.length} loss curves; pass one label per curve`,
    );
  }
  const series: LineSeries[] = lossesList.map((losses: ArrayLike<number>, k) => ({
    name: String(labels?.[k] ?? `loss ${k + 1}`),
    x: Array.from({ length: losses.length }, (_, i) => i),
    y: Array.from(losses),
  }));
  return lineChart(series, { figsize, title, xLabel, yLabel, logY, document });
}
