import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';
import { type Figsize, type LineChartOptions, lineChart } from '@interp/viz';
import type { ExpectedCalibrationError } from './metrics/expected-calibration-error.js';

/** Options of {@link reliabilityChart}. */
export type ReliabilityChartOptions = Pick<LineChartOptions, 'title' | 'figsize' | 'document'>;

/** reliabilityChart defaults, written once. */
export const reliabilityChartDefaults: { readonly figsize: Figsize } = Object.freeze({
  figsize: Object.freeze([5, 5] as const),
});

/**
 * Reliability diagram of an {@link expectedCalibrationError} result: accuracy against mean
 * confidence of the top label in each non-empty bin, with the diagonal of perfect calibration;
 * the title gives the ECE. ClassificationInterpretation.plotCalibration and
 * PredictionAnalyzer.plotConfidence both draw this chart.
 *
 * @example
 * ```ts
 * const svg = reliabilityChart(expectedCalibrationError(probs, 10, targs), { document });
 * ```
 */
export function reliabilityChart(
  calibration: ExpectedCalibrationError,
  { title, figsize = reliabilityChartDefaults.figsize, document }: ReliabilityChartOptions = {},
): SVGSVGElement {
  if (
    typeof calibration?.ece !== 'number' ||
    typeof calibration.counts?.length !== 'number' ||
    !(calibration.counts.length === calibration.accuracy?.length) ||
    !(calibration.counts?.length === calibration.confidence?.length)
  ) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `reliabilityChart needs expectedCalibrationError's result ({ ece, counts, accuracy, confidence }), got ${describe(calibration)}`,
    );
  }
  const { counts, confidence, accuracy, ece } = calibration;
  const keep = Array.from(counts, (n, i) => (n > 0 ? i : -1)).filter((i) => i >= 0);
  return lineChart(
    [
      {
        name: 'model',
        x: Float64Array.from(keep, (i) => confidence[i]!),
        y: Float64Array.from(keep, (i) => accuracy[i]!),
      },
      { name: 'perfect calibration', x: Float64Array.of(0, 1), y: Float64Array.of(0, 1) },
    ],
    {
      title: title ?? `Reliability diagram (ECE ${ece.toFixed(4)})`,
      xLabel: 'Confidence',
      yLabel: 'Accuracy',
      xDomain: [0, 1],
      yDomain: [0, 1],
      legend: 'top-left',
      figsize,
      document,
    },
  );
}
