import { lineChart } from '@interp/viz';
import type { ActivationStats } from './activation-stats.js';
import type { ActivationPlotOptions } from './internal/activation-plots.js';

/** deadChart defaults (the seed's figsize), written once. */
export const deadChartDefaults = Object.freeze({ figsize: Object.freeze([10, 5] as const) });

/**
 * The "dead" chart of the fastai course: for each watched layer, the fraction of its histogram
 * counts in the lowest bin, [0, 0.25), per recorded batch — activations at or near zero, which
 * for ReLU layers means units that pass nothing on. Needs an ActivationStats with `withHist`.
 *
 * @example
 * ```ts
 * const activs = new ActivationStats(learn, { withHist: true });
 * await learn.fit(1);
 * const svg = deadChart(activs, { document });
 * ```
 */
export function deadChart(
  activs: ActivationStats,
  { figsize = deadChartDefaults.figsize, document }: ActivationPlotOptions = {},
): SVGSVGElement {
  activs.requireHist('deadChart');
  activs.requireBatches('deadChart');
  const series = activs.statsByLayer().map((s) => ({
    name: s.layer,
    x: s.iterations,
    y: s.hist!.map((h) => {
      const total = h.reduce((a, b) => a + b, 0);
      return total > 0 ? h[0]! / total : Number.NaN;
    }),
  }));
  return lineChart(series, {
    title: 'Fraction of activations in the lowest bin',
    xLabel: 'batch',
    yLabel: 'fraction',
    yDomain: [0, 1],
    figsize,
    document,
  });
}
