import { createDocument, toSVGString } from '@interp/viz';
import { normalizeSVG } from '@interp/viz/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClassificationInterpretation } from './classification-interpretation.js';
import { MultiLabelInterpretation } from './multi-label-interpretation.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

// scikit-learn's roc_curve docstring example as class-1 scores: y = [0, 0, 1, 1],
// scores [0.1, 0.4, 0.35, 0.8]: AUC 0.75, average precision 0.8333.
const interp = () =>
  ClassificationInterpretation.fromPredictions({
    preds: { data: Float64Array.from([0.9, 0.1, 0.6, 0.4, 0.65, 0.35, 0.2, 0.8]), shape: [4, 2] },
    targs: [0, 0, 1, 1],
    vocab: ['neg', 'pos'],
  });

describe('ClassificationInterpretation beyond the seed', () => {
  it('rocCurves() and precisionRecallCurves() give scikit-learn numbers per class', () => {
    const roc = interp().rocCurves();
    expect(Array.from(roc[1]!.fpr)).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(Array.from(roc[1]!.tpr)).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(Array.from(roc[1]!.thresholds)).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
    expect(roc[1]!.auc).toBe(0.75);
    // Class 0 one-vs-rest: scores [0.9, 0.6, 0.65, 0.2], positives [1, 1, 0, 0]: 3 of 4 pairs ordered.
    expect(roc[0]!.auc).toBe(0.75);
    const pr = interp().precisionRecallCurves();
    expect(pr[1]!.averagePrecision).toBeCloseTo(0.8333333333333333, 12);
    expect(pr[1]!.className).toBe('pos');
  });

  it('topKAccuracy, cohenKappa and matthewsCorrcoef from the hand-worked 2x2 matrix [[2, 0], [1, 1]]', () => {
    const i = interp();
    expect(i.confusionMatrix()).toEqual([
      [2, 0],
      [1, 1],
    ]);
    expect(i.topKAccuracy(1)).toBe(0.75);
    expect(i.topKAccuracy(2)).toBe(1);
    // po = 3/4, pe = (2*3 + 2*1) / 16 = 1/2: kappa = 1/2.
    expect(i.cohenKappa()).toBeCloseTo(0.5, 12);
    // (tp tn - fp fn) / sqrt(...) = (1*2 - 0) / sqrt(1 * 2 * 2 * 3)
    expect(i.matthewsCorrcoef()).toBeCloseTo(2 / Math.sqrt(12), 12);
  });

  it('calibration(): top-label confidence vs accuracy; ECE by hand', () => {
    // Confidences 0.9, 0.6, 0.65, 0.8 (all in the upper of 2 bins); correct 1, 1, 0, 1.
    const r = interp().calibration({ nBins: 2 });
    expect(r.ece).toBeCloseTo(Math.abs(0.75 - (0.9 + 0.6 + 0.65 + 0.8) / 4), 12);
  });

  it('plots ROC, PR and reliability diagrams (goldens) with class names and AUCs in the legend', async () => {
    const roc = toSVGString(interp().plotRocCurves({ document }));
    expect(roc).toContain('pos (AUC 0.750)');
    expect(roc).toContain('chance');
    await expect(normalizeSVG(roc)).toMatchFileSnapshot('./__goldens__/roc-curves.svg');
    const pr = toSVGString(interp().plotPrecisionRecallCurves({ document }));
    expect(pr).toContain('pos (AP 0.833)');
    await expect(normalizeSVG(pr)).toMatchFileSnapshot('./__goldens__/pr-curves.svg');
    const cal = toSVGString(interp().plotCalibration({ document, nBins: 2 }));
    expect(cal).toContain('Reliability diagram (ECE 0.0125)');
    await expect(normalizeSVG(cal)).toMatchFileSnapshot('./__goldens__/reliability.svg');
  });

  it('curve methods need scores: a clear error for label-only interpretations', () => {
    const labelsOnly = ClassificationInterpretation.fromPredictions({
      decoded: [0, 1],
      targs: [0, 1],
    });
    expect(() => labelsOnly.rocCurves()).toThrow(/rocCurves needs class scores/);
    expect(() => labelsOnly.calibration()).toThrow(/calibration needs class scores/);
  });
});

// scikit-learn's multilabel_confusion_matrix docstring example.
const ml = () =>
  MultiLabelInterpretation.fromPredictions({
    // Thresholded at 0.5: predictions [[1, 0, 0], [0, 1, 1]]; 0.25 and 0.75 are exact in binary,
    // so the two items' mean BCE ties exactly (-ln .75 - ln .75 - ln .25) / 3.
    preds: { data: [0.75, 0.25, 0.25, 0.25, 0.75, 0.75], shape: [2, 3] },
    targs: [1, 0, 1, 0, 1, 0],
    vocab: ['a', 'b', 'c'],
  });

describe('MultiLabelInterpretation.fromPredictions({ preds, targs, thresh })', () => {
  it('gives one [[tn, fp], [fn, tp]] per label', () => {
    expect(ml().confusionMatrices()).toEqual([
      [
        [1, 0],
        [0, 1],
      ],
      [
        [1, 0],
        [0, 1],
      ],
      [
        [0, 1],
        [1, 0],
      ],
    ]);
  });

  it("report(): per label and micro / macro / weighted / samples averages as scikit-learn's", () => {
    const r = ml().report();
    expect(r.labels.a).toEqual({ precision: 1, recall: 1, f1: 1, support: 1 });
    expect(r.labels.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(r.microAvg.precision).toBeCloseTo(2 / 3, 12);
    expect(r.microAvg.f1).toBeCloseTo(2 / 3, 12);
    expect(r.macroAvg.recall).toBeCloseTo(2 / 3, 12);
    expect(r.weightedAvg.f1).toBeCloseTo(2 / 3, 12);
    // item 0: p 1, r 1/2; item 1: p 1/2, r 1; f1 2/3 each.
    expect(r.samplesAvg.precision).toBeCloseTo(0.75, 12);
    expect(r.samplesAvg.recall).toBeCloseTo(0.75, 12);
    expect(r.samplesAvg.f1).toBeCloseTo(2 / 3, 12);
    expect(r.microAvg.support).toBe(3);
  });

  it('thresh is strict, act sigmoid takes logits, top losses are per-item mean BCE', () => {
    const i = MultiLabelInterpretation.fromPredictions({
      preds: { data: [0, 2], shape: [1, 2] },
      targs: [1, 1],
      act: 'sigmoid',
    });
    // sigmoid(0) = 0.5 is not above 0.5: label 0 is not predicted.
    expect(i.confusionMatrices()[0]).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(i.losses![0]).toBeCloseTo((Math.LN2 + Math.log1p(Math.exp(-2))) / 2, 6);
    const top = ml().topLosses();
    expect(Array.from(top.indices)).toEqual([0, 1]);
    expect(top.losses[0]).toBeCloseTo(-(2 * Math.log(0.75) + Math.log(0.25)) / 3, 6);
  });

  it('draws one 2x2 heatmap per label, names escaped', () => {
    const svgs = MultiLabelInterpretation.fromPredictions({
      preds: { data: [0.9], shape: [1, 1] },
      targs: [1],
      vocab: ['<b>x</b>'],
    }).plotConfusionMatrices({ document });
    expect(svgs).toHaveLength(1);
    const s = toSVGString(svgs[0]!);
    expect(s).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(s).not.toContain('<b>');
  });

  it('rejects bad shapes, non-0/1 targets and non-probabilities', () => {
    expect(() =>
      MultiLabelInterpretation.fromPredictions({
        preds: { data: [1, 0], shape: [1, 2] },
        targs: [1],
      }),
    ).toThrow(/targs has 1 values but preds has 2/);
    expect(() =>
      MultiLabelInterpretation.fromPredictions({ preds: { data: [1], shape: [1, 1] }, targs: [2] }),
    ).toThrow(/targs\[0\]\[0\] = 2 is not 0\/1/);
    expect(() =>
      MultiLabelInterpretation.fromPredictions({ preds: { data: [3], shape: [1, 1] }, targs: [1] }),
    ).toThrow(/not a probability; pass act: 'sigmoid'/);
    expect(() =>
      MultiLabelInterpretation.fromPredictions({
        preds: { data: [1], shape: [1, 1] },
        targs: [1],
        thresh: 2,
      }),
    ).toThrow(/thresh must be in \[0, 1\]/);
  });
});
