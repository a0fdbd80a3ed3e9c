import type { Learner } from '@interp/core';
import type { ActivationStats, LrFindResult } from '@interp/debug';
import { figure, pre, type ReportSection } from './report-html.js';

/** The report's training and debugging section: summary, lr finder, loss curves, layer stats. */
export async function trainingSection(
  learn: Learner,
  lr: LrFindResult,
  stats: ActivationStats,
  document: Document,
): Promise<ReportSection> {
  const debug = await import('@interp/debug');
  const viz = await import('@interp/viz');
  const summary = debug.summary(learn);
  const lrPlot = viz.toSVGString(debug.plotLrFind(lr, { document }));
  const losses = viz.toSVGString(
    viz.plotMultiLosses([learn.recorder.losses], {
      labels: ['train (per batch)'],
      document,
      title: 'Training loss',
    }),
  );
  const metrics = viz.toSVGString(viz.plotMetrics(learn.recorder, { document }));
  const layerStats = viz.toSVGString(stats.plotLayerStats({ document }));
  const suggestions = Object.entries(lr.suggestions)
    .map(([name, v]) => `${name} ${Number.isFinite(v) ? v.toExponential(2) : 'n/a'}`)
    .join(', ');
  return {
    id: 'training',
    title: 'Training and debugging',
    body: [
      '<h3>Model summary</h3>',
      pre(summary.text),
      '<h3>Learning-rate finder</h3>',
      `<p>Run on the untrained model (weights restored afterwards). Suggestions: ${suggestions}.</p>`,
      figure(lrPlot),
      '<h3>Loss curves and metrics</h3>',
      figure(losses),
      figure(metrics),
      '<h3>Activation statistics</h3>',
      '<p>Mean, standard deviation and share of values near zero (&le; 0.05) of each layer with weights, per training batch (fastai’s ActivationStats).</p>',
      figure(layerStats),
    ].join('\n'),
  };
}
