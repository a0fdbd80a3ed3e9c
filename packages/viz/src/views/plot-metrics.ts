import { InterpError } from '@interp/core/base';
import { assertInteger, describe } from '@interp/core/internal';
import { lineChart } from '../line-chart.js';
import type { DocumentOption, Figsize } from '../types.js';
import { panelGrid } from './panel-grid.js';

/** What {@link plotMetrics} draws: a training Recorder (from @interp/core) or anything shaped like it. */
export interface MetricsHistory {
  /** Names of the metrics in each epoch's `metrics`. */
  readonly metricNames: readonly string[];
  readonly epochs: readonly {
    readonly epoch: number;
    readonly trainLoss: number;
    readonly validLoss: number;
    readonly metrics: Readonly<Record<string, number>>;
  }[];
}

/** Options of {@link plotMetrics}. */
export interface PlotMetricsOptions extends DocumentOption {
  nrows?: number;
  ncols?: number;
  /** Size of the whole grid in inches; default {@link plotMetricsDefaults}' panel size per panel. */
  figsize?: Figsize;
}

/** plotMetrics defaults, written once: panels per row, and each panel's size in inches. */
export const plotMetricsDefaults: { readonly maxCols: number; readonly panelFigsize: Figsize } =
  Object.freeze({ maxCols: 3, panelFigsize: Object.freeze([4, 3] as const) });

/**
 * Everything a fit recorded per epoch, one panel each: train and valid loss together, then one
 * panel per metric (accuracy, ...), in a grid of `nrows` x `ncols` (default up to `plotMetricsDefaults.maxCols` per row).
 * Takes the recorded data (a learner's `recorder`), not the learner: viz runs no model.
 *
 * @example
 * ```ts
 * await learn.fit(5);
 * const svg = plotMetrics(learn.recorder, { document });
 * ```
 */
export function plotMetrics(
  rec: MetricsHistory,
  { nrows, ncols, figsize, document }: PlotMetricsOptions = {},
): SVGSVGElement {
  if (
    !rec ||
    typeof rec !== 'object' ||
    !Array.isArray(rec.epochs) ||
    !Array.isArray(rec.metricNames)
  ) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `plotMetrics needs a Recorder's data ({ metricNames, epochs }; pass learn.recorder), got ${describe(rec)}`,
    );
  }
  if (rec.epochs.length === 0) {
    throw new InterpError(
      'EMPTY_INPUT',
      'plotMetrics: nothing recorded per epoch yet; run learn.fit(epochs) with validation first',
    );
  }
  const names = [
    ...new Set([...rec.metricNames, ...rec.epochs.flatMap((e) => Object.keys(e.metrics))]),
  ];
  const n = 1 + names.length;
  let cols: number;
  let rows: number;
  if (ncols !== undefined) {
    cols = assertInteger(ncols, 'ncols', 1);
    rows = nrows === undefined ? Math.ceil(n / cols) : assertInteger(nrows, 'nrows', 1);
  } else if (nrows !== undefined) {
    rows = assertInteger(nrows, 'nrows', 1);
    cols = Math.ceil(n / rows);
  } else {
    cols = Math.min(n, plotMetricsDefaults.maxCols);
    rows = Math.ceil(n / cols);
  }
  if (rows * cols < n) {
    throw new InterpError(
      'INVALID_OPTION',
      `a ${rows} x ${cols} grid has room for ${rows * cols} panels but there are ${n} (loss and ${names.join(', ') || 'no metrics'}); give more rows or columns`,
    );
  }
  const panelSize = plotMetricsDefaults.panelFigsize;
  const size = figsize ?? [panelSize[0] * cols, panelSize[1] * rows];
  const panel: [number, number] = [size[0] / cols, size[1] / rows];
  const epochs = rec.epochs.map((e) => e.epoch);
  const panels = [
    lineChart(
      [
        { name: 'train', x: epochs, y: rec.epochs.map((e) => e.trainLoss) },
        { name: 'valid', x: epochs, y: rec.epochs.map((e) => e.validLoss) },
      ],
      { title: 'loss', xLabel: 'epoch', figsize: panel, document },
    ),
    ...names.map((m) =>
      lineChart([{ name: m, x: epochs, y: rec.epochs.map((e) => e.metrics[m] ?? Number.NaN) }], {
        title: m,
        xLabel: 'epoch',
        figsize: panel,
        document,
      }),
    ),
  ];
  return panelGrid(panels, { ncols: cols, document });
}
