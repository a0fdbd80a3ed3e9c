import { beforeAll, describe, expect, it } from 'vitest';
import { confusionMatrixChart } from './confusion-matrix-chart.js';
import { createDocument } from './create-document.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

const texts = (svg: SVGElement) =>
  Array.from(svg.querySelectorAll('text')).map((t) => t.textContent);

describe('confusionMatrixChart(matrix, options)', () => {
  it('writes counts, or row fractions with normDec decimals; axes Actual and Predicted', () => {
    const m = [
      [3, 1],
      [0, 0],
    ];
    const counts = texts(confusionMatrixChart(m, { classNames: ['a', 'b'], document }));
    expect(counts).toEqual(
      expect.arrayContaining(['3', '1', 'Actual', 'Predicted', 'Confusion matrix']),
    );
    const norm = texts(confusionMatrixChart(m, { normalize: true, normDec: 1, document }));
    expect(norm).toEqual(expect.arrayContaining(['0.8', '0.3', '0.0']));
    // emptyRow 'missing': the empty row gets no text (gray cells).
    const missing = texts(
      confusionMatrixChart(m, { normalize: true, emptyRow: 'missing', document }),
    );
    expect(missing.filter((t) => t === '0.00')).toHaveLength(0);
  });

  it('shortens large counts on request', () => {
    const t = texts(
      confusionMatrixChart(
        [
          [340_000, 12],
          [9_999, 3_400_000],
        ],
        { compactCounts: true, document },
      ),
    );
    expect(t).toEqual(expect.arrayContaining(['340k', '12', '9999', '3.4M']));
  });

  it('rejects bad options', () => {
    expect(() => confusionMatrixChart([[1]], { normDec: 11, document })).toThrow(
      /normDec must be in \[0, 10\]/,
    );
    expect(() => confusionMatrixChart([[1]], { emptyRow: 'nan' as never, document })).toThrow(
      /invalid emptyRow/,
    );
    // One name per class: a short list would leave classes unnamed (or misnamed).
    expect(() =>
      confusionMatrixChart(
        [
          [1, 0],
          [0, 1],
        ],
        { classNames: ['a'], document },
      ),
    ).toThrow(/classNames has 1 names but there are 2 classes; pass one name per class/);
  });
});
