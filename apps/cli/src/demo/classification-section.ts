import type { ClassificationInterpretation } from '@interp/classification';
import { toSVGString } from '@interp/viz';
import { figure, pre, type ReportSection, table } from './report-html.js';

/** What the classification section says about its items (defaults: the demo's digits). */
export interface ClassificationSectionOptions {
  /** Top losses shown (only when the interpretation has inputs to show). */
  k?: number;
  /** Plural noun for the items, as in "the 16 validation digits". */
  items?: string;
}

/** The report's classification section: report, confusion matrix, most confused, top losses. *
 * @example
 * ```ts
 * const section = await classificationSection(interp, document, reportText, { k: 16, items: 'images' });
 * ```
 */
export async function classificationSection(
  interp: ClassificationInterpretation,
  document: Document,
  reportText: string,
  { k = 16, items = 'validation digits' }: ClassificationSectionOptions = {},
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
  const shown = Math.min(k, interp.targs.data.length);
  const top =
    interp.inputs || interp.dl
      ? toSVGString(await interp.plotTopLosses(shown, { document, ncols: 8 }))
      : undefined;
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
      top === undefined
        ? topLossesTable(interp, shown)
        : figure(
            top,
            `The ${shown} ${items} with the largest loss: predicted/actual / loss / probability of the prediction.`,
          ),
    ].join('\n'),
  };
}

function topLossesTable(interp: ClassificationInterpretation, k: number): string {
  const { indices, losses } = interp.topLosses(k);
  const rows = Array.from(indices, (i, r) => [
    i,
    interp.classNames[interp.decoded.data[i]!]!,
    interp.classNames[interp.targs.data[i]!]!,
    losses[r]!.toFixed(4),
  ]);
  return table(['item', 'predicted', 'actual', 'loss'], rows);
}
