import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ClassScores, classificationReport } from './classification-report.js';
import { confusionMatrix } from './confusion-matrix.js';

const runs = { seed: 20261205, numRuns: 150 };

/** A C x C matrix of counts with at least one item. */
const matrices = fc
  .integer({ min: 1, max: 6 })
  .chain((c) =>
    fc.array(fc.array(fc.nat(20), { minLength: c, maxLength: c }), { minLength: c, maxLength: c }),
  )
  .filter((m) => m.flat().some((v) => v > 0));

/**
 * The report written directly from its definitions (not the library's formulas): precision
 * tp / column sum, recall tp / row sum (0 when the sum is 0), F1 the harmonic mean of the two
 * (0 when both are 0), macro the plain mean, weighted the mean weighted by row sums.
 */
function direct(m: number[][]) {
  const c = m.length;
  const rowSum = m.map((r) => r.reduce((a, v) => a + v, 0));
  const colSum = m[0]!.map((_, j) => m.reduce((a, r) => a + r[j]!, 0));
  const total = rowSum.reduce((a, v) => a + v, 0);
  const classes = m.map((r, i) => {
    const precision = colSum[i] ? r[i]! / colSum[i]! : 0;
    const recall = rowSum[i] ? r[i]! / rowSum[i]! : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support: rowSum[i]! };
  });
  const mean = (k: 'precision' | 'recall' | 'f1', w: (i: number) => number, d: number) =>
    classes.reduce((a, s, i) => a + s[k] * w(i), 0) / d;
  const avg = (w: (i: number) => number, d: number): ClassScores => ({
    precision: mean('precision', w, d),
    recall: mean('recall', w, d),
    f1: mean('f1', w, d),
    support: total,
  });
  return {
    classes,
    accuracy: m.reduce((a, r, i) => a + r[i]!, 0) / total,
    macroAvg: avg(() => 1, c),
    weightedAvg: avg((i) => rowSum[i]!, total),
  };
}

const expectScoresClose = (a: ClassScores, b: ClassScores) => {
  for (const k of ['precision', 'recall', 'f1'] as const) expect(a[k]).toBeCloseTo(b[k], 12);
  expect(a.support).toBe(b.support);
};

describe('classificationReport(matrix) properties', () => {
  it('equals a direct computation from the matrix', () => {
    fc.assert(
      fc.property(matrices, (m) => {
        const r = classificationReport(m);
        const d = direct(m);
        r.classNames.forEach((name, i) => {
          expectScoresClose(r.classes[name]!, d.classes[i]!);
        });
        expect(r.accuracy).toBeCloseTo(d.accuracy, 12);
        expectScoresClose(r.macroAvg, d.macroAvg);
        expectScoresClose(r.weightedAvg, d.weightedAvg);
      }),
      runs,
    );
  });

  it('does not change when the items behind the matrix are permuted', () => {
    const items = fc.integer({ min: 1, max: 5 }).chain((c) =>
      fc
        .array(fc.tuple(fc.nat(c - 1), fc.nat(c - 1)), { minLength: 1, maxLength: 80 })
        .chain((pairs) =>
          fc.record({
            c: fc.constant(c),
            pairs: fc.constant(pairs),
            shuffled: fc.shuffledSubarray(pairs, { minLength: pairs.length }),
          }),
        ),
    );
    fc.assert(
      fc.property(items, ({ c, pairs, shuffled }) => {
        const report = (p: [number, number][]) =>
          classificationReport(
            confusionMatrix(
              p.map((x) => x[0]),
              p.map((x) => x[1]),
              c,
            ),
          );
        expect(report(shuffled)).toEqual(report(pairs));
      }),
      runs,
    );
  });
});
