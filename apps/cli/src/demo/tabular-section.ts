import { escapeHtml, figure, type ReportSection, table } from './report-html.js';

/**
 * The report's tabular section: an MLP predicting penguin species from island, bill, flipper,
 * body mass and sex (missing values filled, categories embedded), its permutation importance
 * (plot and table) and the partial dependence of the most important continuous feature.
 */
export async function tabularSection(document: Document): Promise<ReportSection> {
  const tab = await import('@interp/tabular');
  const { loadPenguins } = await import('@interp/example-data');
  const data = new tab.TabularData(tab.Table.fromRecords(loadPenguins() as never), {
    yName: 'species',
    seed: 0,
  });
  const learn = tab.tabularLearner(data, { seed: 0 });
  await learn.fit(5, { lr: 1e-2 });
  const accuracy = learn.recorder.epochs.at(-1)!.metrics.accuracy!;
  const fi = new tab.FeatureImportance(learn);
  const r = await fi.permutationImportance({ nRepeats: 5, randomState: 0 });
  const continuous = ['billLength', 'billDepth', 'flipperLength', 'bodyMass'];
  return importanceSection(learn, fi, r, {
    id: 'tabular',
    title: 'Tabular: penguins',
    document,
    intro: `<p>An MLP (embeddings for island and sex, missing values filled with the training median plus a flag column, normalized with training statistics) predicts the species of the ${data.trainRows.length + data.validRows.length} penguins of vega-datasets; validation accuracy ${(100 * accuracy).toFixed(1)}%. Permutation importance: the drop in validation accuracy (baseline ${r.baselineScore.toFixed(4)}) when one column is shuffled, 5 seeded repeats, mean ± std.</p>`,
    pdCandidates: continuous,
    pdCaption:
      'Predicted probability of each species: the average (thick) and individual penguins (ICE, thin) as the feature varies over its 5th-95th percentile range.',
  });
}

/** What {@link importanceSection} says around its numbers. */
export interface ImportanceSectionText {
  id: string;
  title: string;
  document: Document;
  /** Trusted HTML before the plot (escape any user text). */
  intro: string;
  /** Features partial dependence may show (the most important of them); default all. */
  pdCandidates?: readonly string[];
  pdCaption: string;
  /** Passed to partialDependence (plain arrays name their columns this way). */
  featureNames?: readonly string[];
}

/**
 * Permutation importance (plot and table, most important first) and the partial dependence of the
 * most important candidate feature; shared by the demo and `interp report`.
 *
 * @example
 * ```ts
 * const section = await importanceSection(learn, fi, await fi.permutationImportance(), { id: 'tabular', title: 'Features', document, intro: '', pdCaption: '' });
 * ```
 */
export async function importanceSection(
  learn: import('@interp/core').Learner,
  fi: import('@interp/tabular').FeatureImportance,
  r: import('@interp/tabular').PermutationImportanceResult,
  text: ImportanceSectionText,
): Promise<ReportSection> {
  const tab = await import('@interp/tabular');
  const viz = await import('@interp/viz');
  const { document } = text;
  const plot = viz.toSVGString(fi.plotImportance({ document }));
  const order = r.features
    .map((_, i) => i)
    .sort((a, b) => r.importancesMean[b]! - r.importancesMean[a]! || a - b);
  const rows = order.map((i) => [
    r.features[i]!,
    r.importancesMean[i]!.toFixed(4),
    r.importancesStd[i]!.toFixed(4),
  ]);
  const candidates = text.pdCandidates ?? r.features;
  const top =
    order.map((i) => r.features[i]!).find((f) => candidates.includes(f)) ?? candidates[0]!;
  const pd = await tab.partialDependence(learn, top, {
    kind: 'both',
    ...(text.featureNames ? { featureNames: [...text.featureNames] } : {}),
  });
  const pdPlots = pd.outputs.map((target) =>
    viz.toSVGString(tab.partialDependenceChart(pd, { target, document, figsize: [4, 3] })),
  );
  return {
    id: text.id,
    title: text.title,
    body: [
      text.intro,
      figure(plot),
      table(['feature', 'importance (mean)', 'std'], rows),
      `<h3>Partial dependence on ${escapeHtml(top)}</h3>`,
      figure(pdPlots.join(''), text.pdCaption),
    ].join('\n'),
  };
}
