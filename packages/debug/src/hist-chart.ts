import { assertInteger } from '@interp/core/internal';
import { panelGrid } from '@interp/viz';
import type { ActivationStats } from './activation-stats.js';
import type { ActivationPlotOptions } from './internal/activation-plots.js';

/** histChart defaults (the seed's figsize), written once. */
export const histChartDefaults = Object.freeze({ figsize: Object.freeze([10, 5] as const) });

/**
 * Histograms of activations by layer over training: one "colorful dimension" panel per watched
 * layer (see `ActivationStats.colorDim`) in a grid of `ncols` columns (default 2); `figsize` is the
 * whole figure's. Needs an ActivationStats with `withHist`.
 *
 * @example
 * ```ts
 * const svg = histChart(activs, { document });
 * ```
 */
export function histChart(
  activs: ActivationStats,
  {
    figsize = histChartDefaults.figsize,
    ncols,
    document,
  }: ActivationPlotOptions & { ncols?: number } = {},
): SVGSVGElement {
  activs.requireHist('histChart');
  activs.requireBatches('histChart');
  const n = activs.layers.length;
  const cols = ncols === undefined ? Math.min(n, 2) : assertInteger(ncols, 'ncols', 1);
  const rows = Math.ceil(n / cols);
  const panel: [number, number] = [figsize[0] / cols, figsize[1] / rows];
  return panelGrid(
    activs.layers.map((_, i) => activs.colorDim(i, { figsize: panel, document })),
    { ncols: cols, document },
  );
}
