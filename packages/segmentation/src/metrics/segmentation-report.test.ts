import { isInterpError } from '@interp/core/base';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createConfusionCounts } from './create-confusion-counts.js';
import { segmentationReport } from './segmentation-report.js';

describe('segmentationReport(cm, vocab)', () => {
  it('computes every metric of a 3-class matrix, worked by hand', () => {
    // rows target, columns predicted; class 2 never occurs (NaN where it has no pixels).
    const r = segmentationReport(
      [
        [3, 1, 0],
        [0, 4, 0],
        [0, 0, 0],
      ],
      ['sky', 'road', 'car'],
    );
    expect(r.vocab).toEqual(['sky', 'road', 'car']);
    expect(r.confusionMatrix).toEqual([
      [3, 1, 0],
      [0, 4, 0],
      [0, 0, 0],
    ]);
    // per-class accuracy: 3/4, 4/4, no target pixels.
    expect(r.perClassAccuracy).toEqual([0.75, 1, Number.NaN]);
    // IoU: 3 / (3 + 0 + 1) and 4 / (4 + 1 + 0); class 2 absent everywhere.
    expect(r.iou[0]).toBeCloseTo(0.75, 12);
    expect(r.iou[1]).toBeCloseTo(0.8, 12);
    expect(r.iou[2]).toBeNaN();
    expect(r.meanIoU).toBeCloseTo(0.775, 12);
    // frequency weighted: 4/8 * 0.75 + 4/8 * 0.8.
    expect(r.frequencyWeightedIoU).toBeCloseTo(0.775, 12);
    // Dice: 2*3 / (6 + 0 + 1), 2*4 / (8 + 1 + 0).
    expect(r.dice[0]).toBeCloseTo(6 / 7, 12);
    expect(r.dice[1]).toBeCloseTo(8 / 9, 12);
    expect(r.dice[2]).toBeNaN();
    expect(r.pixelAccuracy).toBeCloseTo(7 / 8, 12);
  });

  it('takes ConfusionCounts and names classes "0".."C-1" without a vocab', () => {
    const cm = createConfusionCounts(2);
    cm.counts.set([5, 0, 0, 5]);
    const r = segmentationReport(cm);
    expect(r.vocab).toEqual(['0', '1']);
    expect(r.iou).toEqual([1, 1]);
    expect(r.pixelAccuracy).toBe(1);
  });

  it('throws an InterpError for a vocab of the wrong length or a non-square matrix', () => {
    const wrongVocab = () =>
      segmentationReport(
        [
          [1, 0],
          [0, 1],
        ],
        ['only-one'],
      );
    expect(wrongVocab).toThrow(/vocab has 1 names but there are 2 classes/);
    try {
      segmentationReport([[1, 0], [0]]);
      expect.unreachable();
    } catch (e) {
      expect(isInterpError(e)).toBe(true);
      expect((e as Error).message).toMatch(/must be square/);
    }
  });
});

describe('segmentationReport(cm) properties (fast-check)', () => {
  const matrices = fc.integer({ min: 1, max: 6 }).chain((c) =>
    fc.array(fc.array(fc.nat({ max: 1000 }), { minLength: c, maxLength: c }), {
      minLength: c,
      maxLength: c,
    }),
  );

  it('equals a direct computation from the definitions', () => {
    fc.assert(
      fc.property(matrices, (cm) => {
        const c = cm.length;
        const r = segmentationReport(cm);
        const total = cm.flat().reduce((a, b) => a + b, 0);
        let diag = 0;
        for (let k = 0; k < c; k++) {
          const tp = cm[k]![k]!;
          diag += tp;
          const row = cm[k]!.reduce((a, b) => a + b, 0);
          const col = cm.reduce((a, rr) => a + rr[k]!, 0);
          const union = row + col - tp;
          expectSame(r.iou[k]!, union === 0 ? Number.NaN : tp / union);
          expectSame(r.dice[k]!, row + col === 0 ? Number.NaN : (2 * tp) / (row + col));
          expectSame(r.perClassAccuracy[k]!, row === 0 ? Number.NaN : tp / row);
        }
        expectSame(r.pixelAccuracy, total === 0 ? Number.NaN : diag / total);
      }),
    );
  });

  it('relabelling the classes permutes every per-class metric and keeps the summaries', () => {
    fc.assert(
      fc.property(
        matrices.chain((cm) =>
          fc.tuple(fc.constant(cm), fc.shuffledSubarray([...cm.keys()], { minLength: cm.length })),
        ),
        ([cm, perm]) => {
          // Class k of the original is class perm[k] of the relabelled matrix.
          const c = cm.length;
          const moved = Array.from({ length: c }, () => new Array<number>(c).fill(0));
          for (let t = 0; t < c; t++)
            for (let p = 0; p < c; p++) moved[perm[t]!]![perm[p]!] = cm[t]![p]!;
          const a = segmentationReport(cm);
          const b = segmentationReport(moved);
          for (let k = 0; k < c; k++) {
            expectSame(b.iou[perm[k]!]!, a.iou[k]!);
            expectSame(b.dice[perm[k]!]!, a.dice[k]!);
          }
          expectSame(b.meanIoU, a.meanIoU);
          expectSame(b.frequencyWeightedIoU, a.frequencyWeightedIoU);
          expectSame(b.pixelAccuracy, a.pixelAccuracy);
        },
      ),
    );
  });
});

/** Equal to 12 digits, NaN equal to NaN. */
function expectSame(actual: number, expected: number): void {
  if (Number.isNaN(expected)) expect(actual).toBeNaN();
  else expect(actual).toBeCloseTo(expected, 12);
}
