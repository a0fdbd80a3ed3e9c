import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { classificationReport } from './classification-report.js';
import { formatClassificationReport } from './format-classification-report.js';

// Expected texts worked out from scikit-learn's format strings:
//   head "{:>{w}s} " + " {:>9}" * 4, rows "{:>{w}s} " + " {:>9.{d}f}" * 3 + " {:>9}",
//   accuracy "{:>{w}s} " + " {:>9.{d}}" * 2 + " {:>9.{d}f}" + " {:>9}", w = max(names, 12, d).
const m = [
  [3, 1, 0, 0],
  [1, 2, 1, 0],
  [0, 0, 0, 0],
  [1, 1, 0, 0],
];

describe('formatClassificationReport(report, { digits })', () => {
  it("lays the report out like scikit-learn's text report", () => {
    const text = formatClassificationReport(
      classificationReport(m, { vocab: ['a', 'b', 'c', 'd'] }),
    );
    expect(text).toBe(
      [
        '              precision    recall  f1-score   support',
        '',
        '           a       0.60      0.75      0.67         4',
        '           b       0.50      0.50      0.50         4',
        '           c       0.00      0.00      0.00         0',
        '           d       0.00      0.00      0.00         2',
        '',
        '    accuracy                           0.50        10',
        '   macro avg       0.28      0.31      0.29        10',
        'weighted avg       0.44      0.50      0.47        10',
        '',
      ].join('\n'),
    );
  });

  it('rounds exact ties to even as Python does (0.125 -> 0.12, 0.375 -> 0.38, 0.3125 -> 0.312)', () => {
    const r = classificationReport(
      [
        [1, 0, 0],
        [3, 3, 0],
        [4, 5, 5],
      ],
      { vocab: ['cat', 'dog', 'a-very-long-class-name'] },
    );
    expect(formatClassificationReport(r)).toBe(
      [
        '                        precision    recall  f1-score   support',
        '',
        '                   cat       0.12      1.00      0.22         1',
        '                   dog       0.38      0.50      0.43         6',
        'a-very-long-class-name       1.00      0.36      0.53        14',
        '',
        '              accuracy                           0.43        21',
        '             macro avg       0.50      0.62      0.39        21',
        '          weighted avg       0.78      0.43      0.48        21',
        '',
      ].join('\n'),
    );
    const three = formatClassificationReport(
      classificationReport(m, { vocab: ['a', 'b', 'c', 'd'] }),
      {
        digits: 3,
      },
    );
    expect(three.split('\n')[8]).toBe('   macro avg      0.275     0.312     0.292        10');
    expect(three.split('\n')[7]).toBe('    accuracy                          0.500        10');
  });

  it('rejects bad digits and a report that is not one', () => {
    const r = classificationReport(m);
    expect(() => formatClassificationReport(r, { digits: -1 })).toThrow(InterpError);
    expect(() => formatClassificationReport(r, { digits: 1.5 })).toThrow(
      /digits must be an integer/,
    );
    // biome-ignore lint/suspicious/noExplicitAny: testing a wrong argument
    expect(() => formatClassificationReport({} as any)).toThrow(
      /object classificationReport returns/,
    );
  });
});
