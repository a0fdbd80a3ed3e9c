import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { classificationReport } from './classification-report.js';
import { confusionMatrix } from './confusion-matrix.js';

// Rows actual, columns predicted. Class c has no items (zero support) but is predicted once;
// class d has items but is never predicted.
//          a  b  c  d
const m = [
  [3, 1, 0, 0], // a: support 4
  [1, 2, 1, 0], // b: support 4
  [0, 0, 0, 0], // c: support 0
  [1, 1, 0, 0], // d: support 2
];

describe('classificationReport(matrix, { vocab })', () => {
  it('gives scikit-learn numbers with zero_division=0 (never predicted, zero support)', () => {
    const r = classificationReport(m, { vocab: ['a', 'b', 'c', 'd'] });
    // Hand-worked: precision tp/predicted (predicted = 5, 4, 1, 0), recall tp/support,
    // F1 = 2tp / (support + predicted) as scikit-learn >= 1.3 computes it.
    expect(r.classes.a).toEqual({ precision: 3 / 5, recall: 3 / 4, f1: 6 / 9, support: 4 });
    expect(r.classes.b).toEqual({ precision: 2 / 4, recall: 2 / 4, f1: 4 / 8, support: 4 });
    expect(r.classes.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(r.classes.d).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(r.accuracy).toBe(0.5);
    // Fewer than 8 classes: NumPy sums in sequence, so these are the plain expressions.
    expect(r.macroAvg).toEqual({
      precision: (0.6 + 0.5 + 0 + 0) / 4,
      recall: 0.3125,
      f1: (6 / 9 + 0.5 + 0 + 0) / 4,
      support: 10,
    });
    expect(r.macroAvg.f1).toBe(0.29166666666666663); // scikit-learn's printed value
    expect(r.weightedAvg).toEqual({
      precision: (0.6 * 4 + 0.5 * 4 + 0 * 0 + 0 * 2) / 10,
      recall: 0.5,
      f1: ((6 / 9) * 4 + 0.5 * 4 + 0 + 0) / 10,
      support: 10,
    });
    expect(r.weightedAvg.precision).toBe(0.44000000000000006);
  });

  it('averages in NumPy pairwise order for 8+ classes (bit-identical to scikit-learn)', () => {
    const ten = [
      [4, 2, 4, 5, 3, 3, 6, 5, 5, 4],
      [6, 6, 6, 3, 3, 5, 1, 5, 1, 4],
      [6, 3, 1, 3, 4, 4, 0, 1, 6, 3],
      [2, 4, 5, 2, 3, 1, 0, 0, 3, 5],
      [0, 6, 0, 5, 2, 4, 2, 4, 0, 0],
      [0, 6, 0, 3, 3, 4, 1, 0, 0, 5],
      [2, 1, 1, 6, 0, 4, 3, 3, 1, 4],
      [0, 1, 1, 3, 1, 0, 3, 1, 2, 1],
      [1, 1, 2, 2, 3, 0, 3, 0, 0, 2],
      [5, 6, 0, 5, 5, 2, 6, 1, 0, 0],
    ];
    const r = classificationReport(ten);
    // np.average of the per-class values (what scikit-learn returns); a sequential sum gives
    // 0.08167890967890969, 0.08049009039520097 and 0.09276012609345942 instead.
    expect(r.macroAvg.precision).toBe(0.08167890967890967);
    expect(r.macroAvg.recall).toBe(0.08255168206062743);
    expect(r.macroAvg.f1).toBe(0.08049009039520096);
    expect(r.weightedAvg.precision).toBe(0.09276012609345943);
    expect(r.weightedAvg.recall).toBe(0.08712121212121213);
    expect(r.weightedAvg.f1).toBe(0.08810460941148801);
    expect(r.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('counts ties in the confusion matrix like any other cell', () => {
    // Two classes confused equally both ways.
    const cm = confusionMatrix([0, 0, 1, 1], [0, 1, 1, 0], 2);
    const r = classificationReport(cm, { vocab: ['x', 'y'] });
    expect(r.classes.x).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(r.classes.y).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(r.accuracy).toBe(0.5);
  });

  it('keeps vocab order in classNames (integer-like keys reorder in objects)', () => {
    const r = classificationReport(
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      { vocab: ['10', '2', '__proto__'] },
    );
    expect(r.classNames).toEqual(['10', '2', '__proto__']);
    expect(Object.keys(r.classes)).toEqual(['2', '10', '__proto__']);
    expect(Object.getOwnPropertyDescriptor(r.classes, '__proto__')?.value.support).toBe(1);
    expect(Object.getPrototypeOf(r.classes)).toBe(Object.prototype);
  });

  it('has the expected defaults (names "0".."C-1")', () => {
    expect(
      classificationReport([
        [1, 0],
        [0, 1],
      ]).classNames,
    ).toEqual(['0', '1']);
  });

  it('rejects an empty matrix, a bad vocab and non-count entries', () => {
    expect(() =>
      classificationReport([
        [0, 0],
        [0, 0],
      ]),
    ).toThrow(InterpError);
    expect(() =>
      classificationReport([
        [0, 0],
        [0, 0],
      ]),
    ).toThrow(/all zeros/);
    expect(() => classificationReport([])).toThrow(/non-empty C x C array/);
    expect(() => classificationReport([[1]], { vocab: ['a', 'b'] })).toThrow(/vocab has 2 names/);
    expect(() =>
      classificationReport([
        [1, Number.NaN],
        [0, 1],
      ]),
    ).toThrow(/matrix\[0\]\[1\] = NaN/);
  });
});
