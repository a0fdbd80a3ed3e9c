import type { ClassificationInterpretation } from '@interp/classification';
import { toSVGString } from '@interp/viz';
import { figure, pre, type ReportSection, table } from './report-html.js';

/** The report's classification section: report, confusion matrix, most confused, top losses. */
export async function classificationSection(
  interp: ClassificationInterpretation,
  document: Document,
  reportText: string,
): Promise<ReportSection> {
  const cm = toSVGString(interp.plotConfusionMatrix({ document }));
  const cmNorm = toSVGString(
    interp.plotConfusionMatrix({
      normalize: true,
      document,
      title: 'Confusion matrix (normalized by actual class)',
    }),
  );
  const allPairs = interp.mostConfused(2);
  const pairs = allPairs.slice(0, 10);
  const top = toSVGString(await interp.plotTopLosses(16, { document, ncols: 8 }));
  return {
    id: 'classification',
    title: 'Classification',
    body: [
      '<h3>Classification report</h3>',
      pre(reportText),
      '<h3>Confusion matrix</h3>',
      figure(cm),
      figure(cmNorm),
      `<h3>Most confused (the ${pairs.length} largest of ${allPairs.length} pairs with count &ge; 2)</h3>`,
      pairs.length
        ? table(['actual', 'predicted', 'count'], pairs)
        : '<p>No pair was confused twice.</p>',
      '<h3>Top losses</h3>',
      figure(
        top,
        'The 16 validation digits with the largest loss: predicted/actual / loss / probability of the prediction.',
      ),
    ].join('\n'),
  };
}
