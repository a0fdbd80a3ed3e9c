// Issue 12.3: two ECE implementations once disagreed (0.0625 vs 0.5625) on a confidence lying
// on a bin edge. This case runs through every public path that computes an ECE.
import { setupBackend } from '@interp/core';
import { createDocument } from '@interp/viz';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClassificationInterpretation } from './classification-interpretation.js';
import { expectedCalibrationError } from './metrics/expected-calibration-error.js';
import { PredictionAnalyzer } from './prediction-analyzer.js';
import { learnerOfProbabilities } from './test-learners.js';

let document: Document;
beforeAll(async () => {
  await setupBackend('wasm');
  document = await createDocument();
});

// Item 0: confidence 0.5 (a tie, decoded to class 0 = its target: right).
// Item 1: confidence 0.625 for class 1, target 0: wrong.
// 4 bins with edges 0, .25, .5, .75, 1; as scikit-learn's calibration_curve, an edge value goes to
// the lower bin: 0.5 -> (.25, .5], 0.625 -> (.5, .75].
// ECE = 1/2 |1 - 0.5| + 1/2 |0 - 0.625| = 0.25 + 0.3125 = 0.5625
// (0.0625 = |0.5 - 0.5625| is what putting both in one bin gives).
const PROBS = [
  [0.5, 0.5],
  [0.375, 0.625],
];
const TARGETS = [0, 0];
const ECE = 0.5625;

describe('the ECE edge case through every public path (issue 12.3)', () => {
  it('expectedCalibrationError(scores, 2, targs, { nBins: 4 })', () => {
    const e = expectedCalibrationError(Float64Array.from(PROBS.flat()), 2, TARGETS, { nBins: 4 });
    expect(e.ece).toBe(ECE);
    expect(Array.from(e.counts)).toEqual([0, 1, 1, 0]);
  });

  it('ClassificationInterpretation: calibration({ nBins: 4 }) and plotCalibration', () => {
    const interp = ClassificationInterpretation.fromPredictions({
      preds: { data: PROBS.flat(), shape: [2, 2] },
      targs: Int32Array.from(TARGETS),
    });
    expect(interp.calibration({ nBins: 4 }).ece).toBe(ECE);
    const svg = interp.plotCalibration({ nBins: 4, document });
    expect(svg.textContent).toContain('Reliability diagram (ECE 0.5625)');
  });

  it('PredictionAnalyzer: confidenceAnalysis({ nBins: 4 }) and plotConfidence()', async () => {
    const pa = new PredictionAnalyzer(learnerOfProbabilities(PROBS, TARGETS));
    const r = await pa.confidenceAnalysis({ nBins: 4 });
    expect(r.ece).toBe(ECE);
    expect(r.bins.map((b) => b.count)).toEqual([0, 1, 1, 0]);
    // plotConfidence has no nBins: with the default 15 the two items still fall in separate
    // bins ((7/15, 8/15] and (9/15, 10/15]), so the same 0.5625.
    const svg = await pa.plotConfidence({ document });
    expect(svg.textContent).toContain('Reliability diagram (ECE 0.5625)');
  });
});
