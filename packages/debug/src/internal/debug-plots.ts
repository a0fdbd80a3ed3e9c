import { barChart, type Figsize, lineChart, panelGrid } from '@interp/viz';
import type { DeadNeuronReport } from '../check-dead-neurons.js';
import type { GradientFlowReport } from '../check-gradient-flow.js';
import type { LayerOutputReport } from '../check-layer-outputs.js';
import type { WeightDistributionReport } from '../check-weight-distribution.js';

/** Options of the ModelDebugger plots. */
export interface DebugPlotOptions {
  /** Figure size in inches (72 px per inch). */
  figsize?: Figsize;
  /** The DOM document to draw with (in Node, e.g. from `createDocument()`). */
  document?: Document;
}

const finite = (v: number) => (Number.isFinite(v) ? v : 0);

export function plotGradientFlow(
  report: GradientFlowReport,
  { figsize = [12, 4], document }: DebugPlotOptions = {},
): SVGSVGElement {
  const label = (r: GradientFlowReport['layers'][number]) =>
    r.status === 'ok' ? r.layer : `${r.layer} (${r.status})`;
  const half: [number, number] = [figsize[0] / 2, figsize[1]];
  return panelGrid(
    [
      barChart(
        report.layers.map((r) => ({ label: label(r), value: finite(r.gradNorm) })),
        { title: 'Gradient norm', xLabel: 'L2 norm', sort: 'none', figsize: half, document },
      ),
      barChart(
        report.layers.map((r) => ({ label: label(r), value: finite(r.meanAbsGrad) })),
        { title: 'Mean |gradient|', xLabel: 'mean |grad|', sort: 'none', figsize: half, document },
      ),
    ],
    { ncols: 2, document },
  );
}

export function plotLayerOutputs(
  report: LayerOutputReport,
  { figsize = [12, 4], document }: DebugPlotOptions = {},
): SVGSVGElement {
  const label = (r: LayerOutputReport['layers'][number]) =>
    r.nanCount || r.infCount ? `${r.layer} (${r.nanCount} NaN, ${r.infCount} inf)` : r.layer;
  const half: [number, number] = [figsize[0] / 2, figsize[1]];
  return panelGrid(
    [
      barChart(
        report.layers.map((r) => ({
          label: label(r),
          value: finite(r.mean),
          error: Math.abs(finite(r.std)),
        })),
        { title: 'Output mean ± std', xLabel: 'value', sort: 'none', figsize: half, document },
      ),
      barChart(
        report.layers.map((r) => ({
          label: label(r),
          value: Math.max(Math.abs(finite(r.min)), Math.abs(finite(r.max))),
        })),
        { title: 'Largest |output|', xLabel: 'max |value|', sort: 'none', figsize: half, document },
      ),
    ],
    { ncols: 2, document },
  );
}

export function plotDeadNeurons(
  report: DeadNeuronReport,
  { figsize, document }: DebugPlotOptions = {},
): SVGSVGElement {
  return barChart(
    report.layers.map((r) => ({
      label: `${r.layer} (${r.deadUnits.length}/${r.units})`,
      value: r.deadFraction,
    })),
    {
      title: `Dead units over ${report.items} items`,
      xLabel: 'fraction of units that never activate',
      sort: 'none',
      figsize,
      document,
    },
  );
}

export function plotWeightDistribution(
  report: WeightDistributionReport,
  { figsize = [10, 5], document }: DebugPlotOptions = {},
): SVGSVGElement {
  const series = report.weights
    .filter((w) => w.count > 0)
    .map((w) => {
      const { edges, counts } = w.hist;
      return {
        name: w.name,
        x: counts.map((_, k) => (edges[k]! + edges[k + 1]!) / 2),
        y: counts.map((c) => c / w.count),
      };
    });
  return lineChart(series, {
    title: 'Weight distributions',
    xLabel: 'weight value',
    yLabel: 'fraction of weights',
    figsize,
    document,
  });
}
