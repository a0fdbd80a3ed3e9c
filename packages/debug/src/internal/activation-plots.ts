import { type Figsize, lineChart, panelGrid, rasterChart } from '@interp/viz';
import type { LayerActivationStats } from '../activation-stats.js';
import { HIST_MAX, HIST_MIN } from './activation-summary.js';

/** Options of the ActivationStats plots. */
export interface ActivationPlotOptions {
  /** Figure size in inches (72 px per inch). */
  figsize?: Figsize;
  /** The DOM document to draw with (in Node, e.g. from `createDocument()`). */
  document?: Document;
}

/** fastai's `plot_layer_stats`, for several layers at once: mean, std and % near zero over batches. */
export function layerStatsFigure(
  stats: readonly LayerActivationStats[],
  { figsize = [15, 5], document }: ActivationPlotOptions,
): SVGSVGElement {
  const panel: [number, number] = [figsize[0] / 3, figsize[1]];
  const series = (pick: (s: LayerActivationStats) => number[]) =>
    stats.map((s) => ({ name: s.layer, x: s.iterations, y: pick(s) }));
  return panelGrid(
    [
      lineChart(
        series((s) => s.mean),
        { title: 'mean', xLabel: 'batch', figsize: panel, document },
      ),
      lineChart(
        series((s) => s.std),
        { title: 'std', xLabel: 'batch', figsize: panel, document },
      ),
      lineChart(
        series((s) => s.nearZero.map((v) => 100 * v)),
        { title: '% near zero', xLabel: 'batch', yDomain: [0, 100], figsize: panel, document },
      ),
    ],
    { ncols: 3, document },
  );
}

/** fastai's `color_dim`: log1p of the stacked histograms, bins bottom to top, batches left to right. */
export function colorDimFigure(
  layer: string,
  hist: number[][],
  iterations: readonly number[],
  { figsize = [10, 5], document }: ActivationPlotOptions,
): SVGSVGElement {
  const first = iterations[0] ?? 0;
  const last = iterations.at(-1) ?? 0;
  // Columns are the recorded batches; with `every` > 1 they are spaced by it.
  const step = iterations.length > 1 ? (last - first) / (iterations.length - 1) : 1;
  return rasterChart(hist, {
    origin: 'lower',
    title: layer,
    xLabel: 'batch',
    yLabel: 'activation',
    xDomain: [first, last + step],
    yDomain: [HIST_MIN, HIST_MAX],
    figsize,
    document,
  });
}
