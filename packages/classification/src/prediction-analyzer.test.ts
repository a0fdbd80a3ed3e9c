import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { createDocument, toSVGString } from '@interp/viz';
import { normalizeSVG } from '@interp/viz/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  expectedCalibrationError,
  expectedCalibrationErrorDefaults,
} from './metrics/expected-calibration-error.js';
import { PredictionAnalyzer } from './prediction-analyzer.js';
import {
  interpErrorMatching,
  learnerOfProbabilities,
  PROB_TARGETS,
  PROBS,
  probsLearner,
} from './test-learners.js';

let document: Document;
beforeAll(async () => {
  await setupBackend('wasm');
  document = await createDocument();
});

const markGroup = (svg: Element, label: string) =>
  Array.from(svg.querySelectorAll(`g[aria-label="${label}"]`));
const round = (v: number) => Number(v.toFixed(12));

// PROBS: confidence 0.875 (right), 0.75 (wrong: pos predicted neg), 0.625 (right),
// 0.5625 (wrong: neg predicted pos), 0.6875 (right).
describe('new PredictionAnalyzer(learn, { dl })', () => {
  it('predictionDistribution() histograms confidence and per-class scores', async () => {
    const pa = new PredictionAnalyzer(probsLearner());
    const r = await expectNoLeakedTensors(() => pa.predictionDistribution({ nBins: 10 }));
    expect(r.classNames).toEqual(['neg', 'pos']);
    expect(r.edges).toHaveLength(11);
    expect(r.confidenceCounts).toEqual([0, 0, 0, 0, 0, 1, 2, 1, 1, 0]);
    // neg scores .875 .75 .375 .4375 .6875 -> bins 8 7 3 4 6; pos .125 .25 .625 .5625 .3125 -> 1 2 6 5 3.
    expect(r.scoreCounts).toEqual([
      [0, 0, 0, 1, 1, 0, 1, 1, 1, 0],
      [0, 1, 1, 1, 0, 1, 1, 0, 0, 0],
    ]);
    expect(r.predictedCounts).toEqual([3, 2]);
    expect(r.actualCounts).toEqual([3, 2]);
    expect(r.meanConfidence).toBeCloseTo(3.5 / 5, 12);
  });

  it('confidenceAnalysis() bins confidence against accuracy and gives the ECE', async () => {
    const r = await new PredictionAnalyzer(probsLearner()).confidenceAnalysis({ nBins: 10 });
    const used = r.bins
      .filter((b) => b.count > 0)
      .map((b) => [round(b.lo), b.count, b.accuracy, b.meanConfidence]);
    expect(used).toEqual([
      [0.5, 1, 0, 0.5625],
      [0.6, 2, 1, (0.625 + 0.6875) / 2],
      [0.7, 1, 0, 0.75],
      [0.8, 1, 1, 0.875],
    ]);
    // ECE = 1/5 |0 - .5625| + 2/5 |1 - .65625| + 1/5 |0 - .75| + 1/5 |1 - .875| = 0.425
    expect(r.ece).toBeCloseTo(0.425, 12);
    expect(r.accuracy).toBe(0.6);
    expect(r.meanConfidenceCorrect).toBeCloseTo(2.1875 / 3, 12);
    expect(r.meanConfidenceWrong).toBeCloseTo(0.65625, 12);
    expect(r.bins[0]!.accuracy).toBeNaN();
  });

  it('errorAnalysis() gives errors by class and confidence, confusions and the most confident errors', async () => {
    const r = await new PredictionAnalyzer(probsLearner()).errorAnalysis({ nBins: 10, topK: 5 });
    expect([r.total, r.errors, r.errorRate]).toEqual([5, 2, 0.4]);
    expect(r.byClass).toEqual([
      { label: 'neg', count: 3, errors: 1, errorRate: 1 / 3 },
      { label: 'pos', count: 2, errors: 1, errorRate: 0.5 },
    ]);
    const b5 = r.byConfidence[5]!;
    expect([round(b5.lo), round(b5.hi), b5.count, b5.errors, b5.errorRate]).toEqual([
      0.5, 0.6, 1, 1, 1,
    ]);
    // Both confusions occur once: class order decides (neg->pos before pos->neg).
    expect(r.mostConfused).toEqual([
      ['neg', 'pos', 1],
      ['pos', 'neg', 1],
    ]);
    expect(r.topErrors).toEqual([
      { index: 1, actual: 'pos', predicted: 'neg', confidence: 0.75 },
      { index: 3, actual: 'neg', predicted: 'pos', confidence: 0.5625 },
    ]);
  });

  it('confidenceAnalysis() bins an edge value low, as expectedCalibrationError: ECE 0.5625 (issue 11)', async () => {
    // Right at confidence 0.5 (a 0.5/0.5 tie decodes to class 0), wrong at 0.625; 4 bins.
    // 0.5 sits on the edge between bins 1 and 2 and goes to bin 1 (scikit-learn's rule):
    // ECE = 1/2 |1 - 0.5| + 1/2 |0 - 0.625| = 0.5625 (binning 0.5 up would give 0.0625).
    const pa = new PredictionAnalyzer(
      learnerOfProbabilities(
        [
          [0.5, 0.5],
          [0.625, 0.375],
        ],
        [0, 1],
      ),
    );
    const r = await expectNoLeakedTensors(() => pa.confidenceAnalysis({ nBins: 4 }));
    expect(r.ece).toBe(0.5625);
    expect(r.bins.map((b) => b.count)).toEqual([0, 1, 1, 0]);
    expect((await pa.errorAnalysis({ nBins: 4 })).byConfidence.map((b) => b.count)).toEqual([
      0, 1, 1, 0,
    ]);
    expect((await pa.predictionDistribution({ nBins: 4 })).confidenceCounts).toEqual([0, 1, 1, 0]);
  });

  it('bins as expectedCalibrationError does by default, and gives its ECE', async () => {
    const r = await new PredictionAnalyzer(probsLearner()).confidenceAnalysis();
    expect(r.bins).toHaveLength(expectedCalibrationErrorDefaults.nBins);
    expect(r.ece).toBe(expectedCalibrationError(PROBS.flat(), 2, PROB_TARGETS).ece);
  });

  it('plots: golden reliability diagram, error bars per class, distributions', async () => {
    const pa = new PredictionAnalyzer(probsLearner());
    const rel = await pa.plotConfidence({ document });
    await expect(normalizeSVG(toSVGString(rel))).toMatchFileSnapshot(
      './__goldens__/prediction-confidence.svg',
    );
    expect(markGroup(rel, 'line')).toHaveLength(2);
    // 15 bins: .5625 .625 .6875 .75 .875 fall in bins 8 9 10 11 13, one item each, so
    // ECE = 1/5 (.5625 + (1 - .625) + (1 - .6875) + .75 + (1 - .875)) = 0.425.
    expect(Array.from(rel.querySelectorAll('text')).map((t) => t.textContent)).toContain(
      'Reliability diagram (ECE 0.4250)',
    );
    const errors = await pa.plotErrors({ document });
    expect(markGroup(errors, 'bar')[0]!.querySelectorAll('rect')).toHaveLength(2);
    const dist = await pa.plotPredictionDistribution({ document });
    expect(Array.from(dist.children).filter((c) => c.localName === 'svg')).toHaveLength(2);
  });

  it('rejects bad input with an InterpError', async () => {
    expect(() => new PredictionAnalyzer(null as never)).toThrow(
      interpErrorMatching(/needs a Learner/),
    );
    const pa = new PredictionAnalyzer(probsLearner());
    await expect(pa.confidenceAnalysis({ nBins: 0 })).rejects.toThrow(
      interpErrorMatching(/nBins must be >= 1/),
    );
    const threeNames = new PredictionAnalyzer(
      learnerOfProbabilities(PROBS, PROB_TARGETS, { vocab: ['a', 'b', 'c'] }),
    );
    await expect(threeNames.errorAnalysis()).rejects.toThrow(interpErrorMatching(/vocab/));
  });
});
