import type { ClassificationInterpretation } from '@interp/classification';
import { figure, type ReportSection, table } from '../demo/report-html.js';

/**
 * The report's calibration and curves section: the reliability diagram with its expected
 * calibration error, one-vs-rest ROC and precision-recall curves with each class's AUC and AP.
 * Needs the interpretation's probabilities.
 *
 * @example
 * ```ts
 * const section = await curvesSection(interp, document); // id 'curves'
 * ```
 */
export async function curvesSection(
  interp: ClassificationInterpretation,
  document: Document,
): Promise<ReportSection> {
  const { toSVGString } = await import('@interp/viz');
  const { ece } = interp.calibration();
  const roc = interp.rocCurves();
  const pr = interp.precisionRecallCurves();
  const rows = roc.map((r, c) => [
    r.className,
    r.auc.toFixed(4),
    pr[c]!.averagePrecision.toFixed(4),
  ]);
  return {
    id: 'curves',
    title: 'Calibration, ROC and precision-recall',
    body: [
      `<p>Expected calibration error (top-class confidence vs accuracy): <span class="ece">${ece.toFixed(4)}</span>.</p>`,
      figure(toSVGString(interp.plotCalibration({ document }))),
      figure(toSVGString(interp.plotRocCurves({ document }))),
      figure(toSVGString(interp.plotPrecisionRecallCurves({ document }))),
      table(['class', 'ROC AUC (one vs rest)', 'average precision'], rows),
    ].join('\n'),
  };
}
