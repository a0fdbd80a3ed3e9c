import { InterpError } from '@interp/core/base';
import { assertInteger } from '@interp/core/internal';
import type { ClassificationReport, ClassScores } from './classification-report.js';
import { codePointLength, formatFixed, padStart } from './internal/format-fixed.js';

/** Options of {@link formatClassificationReport}. */
export interface FormatClassificationReportOptions {
  /** Decimals of precision, recall and F1 (default 2). */
  digits?: number;
}

/** formatClassificationReport defaults, written once. */
export const formatClassificationReportDefaults = Object.freeze({ digits: 2 } as const);

const HEADERS = ['precision', 'recall', 'f1-score', 'support'] as const;
const LONGEST_HEADING = 'weighted avg';

/**
 * A classification report as text, laid out character for character like scikit-learn's
 * `classification_report`: a right-aligned name column as wide as the longest of the class names,
 * "weighted avg" and `digits`, columns of width 9, an `accuracy` line with only the F1 and support
 * columns, and Python's rounding (exact ties go to even).
 *
 * @example
 * ```ts
 * console.log(formatClassificationReport(classificationReport(matrix, { vocab })));
 * ```
 */
export function formatClassificationReport(
  report: ClassificationReport,
  { digits = formatClassificationReportDefaults.digits }: FormatClassificationReportOptions = {},
): string {
  assertInteger(digits, 'digits', 0, 20);
  if (report === null || typeof report !== 'object' || !Array.isArray(report.classNames)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      'report must be the object classificationReport returns (with classNames and classes)',
    );
  }
  const names = report.classNames;
  const width = Math.max(...names.map(codePointLength), LONGEST_HEADING.length, digits);
  const num = (v: number) => padStart(formatFixed(v, digits), 9);
  const row = (name: string, s: ClassScores) =>
    `${padStart(name, width)}  ${num(s.precision)} ${num(s.recall)} ${num(s.f1)} ${padStart(String(s.support), 9)}\n`;
  let text = `${' '.repeat(width)} ${HEADERS.map((h) => ` ${padStart(h, 9)}`).join('')}\n\n`;
  for (const name of names) {
    const scores = Object.getOwnPropertyDescriptor(report.classes, name)?.value as
      | ClassScores
      | undefined;
    if (scores === undefined) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `report.classes has no entry for class ${JSON.stringify(name)} listed in classNames`,
      );
    }
    text += row(name, scores);
  }
  text += '\n';
  const support = padStart(String(report.macroAvg.support), 9);
  text += `${padStart('accuracy', width)}  ${' '.repeat(9)} ${' '.repeat(9)} ${num(report.accuracy)} ${support}\n`;
  text += row('macro avg', report.macroAvg);
  text += row('weighted avg', report.weightedAvg);
  return text;
}
