import { InterpError, setupBackend } from '@interp/core';
import { createDocument, toSVGString } from '@interp/viz';
import { normalizeSVG } from '@interp/viz/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { segmentationReport } from './metrics/segmentation-report.js';
import { plotPixelConfusionMatrixDefaults } from './plot-pixel-confusion-matrix-options.js';
import {
  SegmentationInterpretation,
  segmentationConfusionMatrixDefaults,
} from './segmentation-interpretation.js';
import {
  EXPECTED,
  IGNORE,
  MATRIX,
  PREDS,
  randomCase,
  referenceConfusion,
  TARGS,
} from './test-masks.js';

let document: Document;
beforeAll(async () => {
  await setupBackend('wasm');
  document = await createDocument();
});

const VOCAB = ['bg', 'road', 'car', 'tree'];
// The hand-worked fixture of test-masks.ts (12 pixels) as 3 items of 2 x 2.
const handWorked = (ignoreIndex: number | null = IGNORE) =>
  SegmentationInterpretation.fromPredictions({
    decoded: { data: Uint8Array.from(PREDS), shape: [3, 2, 2] },
    targs: { data: Uint8Array.from(TARGS), shape: [3, 2, 2] },
    vocab: VOCAB,
    ignoreIndex: ignoreIndex ?? undefined,
  });

describe('SegmentationInterpretation.fromPredictions({ decoded, targs, vocab, ignoreIndex })', () => {
  it('counts the pixel confusion matrix without the ignored pixels, rows target, columns predicted', () => {
    const interp = handWorked();
    expect(interp.confusionMatrix()).toEqual(MATRIX);
    expect(interp.numClasses).toBe(4);
    expect(interp.classNames).toEqual(VOCAB);
    // A copy each time.
    const m = interp.confusionMatrix();
    m[0]![0] = 99;
    expect(interp.confusionMatrix()[0]![0]).toBe(4);
  });

  it('gives per-class accuracy, IoU and Dice; class 2 (absent everywhere) is NaN and the means skip it', () => {
    const interp = handWorked();
    expect(interp.perClassAccuracy()).toEqual(EXPECTED.perClassAccuracy);
    expect(interp.intersectionOverUnion()).toEqual(EXPECTED.iou);
    expect(interp.dice()).toEqual(EXPECTED.dice);
    // Class 3 is only predicted: IoU and Dice 0 (it counts in the mean), accuracy NaN (no target pixel).
    expect(interp.intersectionOverUnion()[3]).toBe(0);
    expect(interp.perClassAccuracy()[3]).toBeNaN();
    expect(interp.meanIoU()).toBeCloseTo((4 / 7 + 2 / 5 + 0) / 3, 12);
    expect(interp.frequencyWeightedIoU()).toBeCloseTo(0.6 * (4 / 7) + 0.4 * (2 / 5), 12);
    expect(interp.pixelAccuracy()).toBeCloseTo(0.6, 12);
  });

  it('without the ignore index, the 255 targets are out of range: an InterpError names item and pixel', () => {
    expect(() => handWorked(null)).toThrow(
      /targs of item 1 at \(row 1, column 1\) is 255, not a class index in 0\.\.3/,
    );
    expect(() => handWorked(null)).toThrow(InterpError);
  });

  it('segmentationReport() holds every metric with the keys of interp segmentation --json', () => {
    const r = handWorked().segmentationReport();
    expect(Object.keys(r)).toEqual([
      'vocab',
      'confusionMatrix',
      'perClassAccuracy',
      'iou',
      'meanIoU',
      'frequencyWeightedIoU',
      'dice',
      'pixelAccuracy',
    ]);
    expect(r.confusionMatrix).toEqual(MATRIX);
    expect(r.iou).toEqual(EXPECTED.iou);
  });

  it('default per-item loss for labels: the fraction of counted pixels predicted wrong', () => {
    // Items (2 x 2): [0 0 | 0 0] vs [0 0 | 3 0] -> 1/4; [1 1 | 1 255] vs [1 1 | 0 2] -> 1/3 (one
    // pixel ignored); [0 1 | 255 0] vs [0 3 | 1 1] -> 2/3.
    const interp = handWorked();
    expect(Array.from(interp.losses!)).toEqual([
      Math.fround(1 / 4),
      Math.fround(1 / 3),
      Math.fround(2 / 3),
    ]);
    expect(Array.from(interp.topLosses().indices)).toEqual([2, 1, 0]);
    expect(Array.from(interp.topLosses(1, { largest: false }).indices)).toEqual([0]);
  });

  it('has the expected defaults', () => {
    expect(segmentationConfusionMatrixDefaults).toEqual({ sliceSize: 1 });
    const interp = handWorked();
    expect(interp.preds).toBeUndefined();
    // Without a vocab: classes up to the largest label, ignored pixels excluded.
    const bare = SegmentationInterpretation.fromPredictions({
      decoded: { data: [0, 1, 1, 0], shape: [1, 2, 2] },
      targs: { data: [2, 1, 255, 0], shape: [1, 2, 2] },
      ignoreIndex: 255,
    });
    expect(bare.classNames).toEqual(['0', '1', '2']);
    expect(bare.ignoreIndex).toBe(255);
  });

  it('rejects bad input with InterpErrors that say what to pass', () => {
    const targs = { data: Uint8Array.from(TARGS), shape: [3, 2, 2] };
    const decoded = { data: Uint8Array.from(PREDS), shape: [3, 2, 2] };
    const bad = (p: object) => () => SegmentationInterpretation.fromPredictions(p as never);
    expect(bad({ decoded })).toThrow(/needs \{ targs \}/);
    expect(bad({ targs })).toThrow(/needs \{ preds \}/);
    expect(bad({ targs, decoded: { data: PREDS, shape: [3, 4] } })).toThrow(
      /decoded must be \{ data, shape \} with N x H x W predicted labels, got shape \[3, 4\]/,
    );
    expect(bad({ targs, decoded: { data: PREDS, shape: [2, 3, 2] } })).toThrow(
      /decoded has shape \[2, 3, 2\] but targs has \[3, 2, 2\]/,
    );
    expect(bad({ targs: { data: TARGS, shape: [3, 2, 3] }, decoded })).toThrow(
      /targs: shape \[3, 2, 3\] needs 18 values, got 12/,
    );
    expect(bad({ targs, decoded, vocab: ['a', 'b'], ignoreIndex: 255 })).toThrow(
      /decoded of item 0 at \(row 1, column 0\) is 3, not a class index in 0\.\.1/,
    );
    expect(bad({ targs, decoded, vocab: VOCAB, ignoreIndex: 1.5 })).toThrow(/ignoreIndex/);
    expect(bad({ targs, decoded, vocab: VOCAB, ignoreIndex: 255, losses: [1] })).toThrow(
      /losses has 1 values but there are 3 items/,
    );
    expect(
      bad({
        targs,
        preds: { data: new Float32Array(3 * 4 * 2), shape: [3, 2, 2, 2] },
        vocab: VOCAB,
      }),
    ).toThrow(/vocab has 4 names but there are 2 classes/);
    expect(
      bad({ targs, preds: { data: new Float32Array(3 * 2 * 2), shape: [3, 2, 1, 2] } }),
    ).toThrow(/preds has shape \[3, 2, 1, 2\] but targs has \[3, 2, 2\]/);
    const nanScores = new Float32Array(24).fill(0.5);
    nanScores[13] = Number.NaN; // pixel 6 = item 1, row 1, column 0
    expect(
      bad({ targs, preds: { data: nanScores, shape: [3, 2, 2, 2] }, ignoreIndex: 255 }),
    ).toThrow(/preds of item 1 at \(row 1, column 0\) contain NaN/);
    expect(
      bad({
        targs,
        decoded,
        vocab: VOCAB,
        ignoreIndex: 255,
        inputs: { data: new Float32Array(4), shape: [1, 2, 2] },
      }),
    ).toThrow(/inputs has 1 items but targs has 3/);
    expect(() => handWorked().confusionMatrix({ sliceSize: 0 })).toThrow(/sliceSize/);
    expect(() => handWorked().targetMask(3)).toThrow(/item index/);
  });
});

describe('SegmentationInterpretation.fromPredictions({ preds, targs })', () => {
  // One 2 x 2 item, 2 classes, probabilities channels last; pixel 1 is a tie (-> class 0),
  // pixel 2 is ignored.
  const preds = {
    data: Float32Array.from([0.8, 0.2, 0.5, 0.5, 0.1, 0.9, 0.3, 0.7]),
    shape: [1, 2, 2, 2],
  };
  const targs = { data: Int32Array.from([0, 1, 255, 1]), shape: [1, 2, 2] };

  it('decodes by argmax (ties to the lower class); loss = mean over counted pixels of -ln p[target]', () => {
    const interp = SegmentationInterpretation.fromPredictions({ preds, targs, ignoreIndex: 255 });
    expect(Array.from(interp.decoded.data)).toEqual([0, 0, 1, 1]);
    expect(interp.losses![0]).toBeCloseTo((-Math.log(0.8) + Math.LN2 - Math.log(0.7)) / 3, 6);
    expect(interp.confusionMatrix()).toEqual([
      [1, 0],
      [1, 1],
    ]);
    expect(interp.classNames).toEqual(['0', '1']);
    expect(interp.preds).toBeUndefined();
  });

  it('keeps the scores with withPreds, and takes given losses', () => {
    const interp = SegmentationInterpretation.fromPredictions({
      preds,
      targs,
      ignoreIndex: 255,
      withPreds: true,
      losses: [7],
    });
    expect(interp.preds!.shape).toEqual([1, 2, 2, 2]);
    expect(interp.preds!.data[0]).toBeCloseTo(0.8, 6);
    expect(Array.from(interp.losses!)).toEqual([7]);
  });

  it('an item whose pixels are all ignored has a NaN loss and counts nowhere', () => {
    const interp = SegmentationInterpretation.fromPredictions({
      preds: { data: Float64Array.from([0.9, 0.1, 0.2, 0.8]), shape: [2, 1, 1, 2] },
      targs: { data: [255, 1], shape: [2, 1, 1] },
      ignoreIndex: 255,
    });
    expect(interp.losses![0]).toBeNaN();
    expect(interp.losses![1]).toBeCloseTo(-Math.log(0.8), 6);
    expect(interp.confusionMatrix()).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });
});

describe('interp.confusionMatrix({ sliceSize })', () => {
  it('counting in slices of any size equals counting at once (and the obvious reference)', () => {
    const n = 7;
    const [h, w, c] = [5, 3, 4];
    const { scores, targs } = randomCase(n * h * w, c, 42);
    const want = referenceConfusion(scores, c, targs, 255);
    // Predicted labels by the same argmax rule as the reference.
    const decoded = new Int32Array(n * h * w);
    for (let q = 0; q < decoded.length; q++) {
      let arg = 0;
      for (let k = 1; k < c; k++) if (scores[q * c + k]! > scores[q * c + arg]!) arg = k;
      decoded[q] = arg;
    }
    const wantRows = Array.from({ length: c }, (_, t) =>
      Array.from(want.subarray(t * c, t * c + c)),
    );
    for (const sliceSize of [1, 2, 3, 7, 100]) {
      const interp = new SegmentationInterpretation({
        targs: { data: targs, shape: [n, h, w] },
        decoded: { data: decoded, shape: [n, h, w] },
        ignoreIndex: 255,
        numClasses: c,
      });
      expect(interp.confusionMatrix({ sliceSize })).toEqual(wantRows);
    }
    // From the scores directly (one pass, cached).
    const fromScores = SegmentationInterpretation.fromPredictions({
      preds: { data: scores, shape: [n, h, w, c] },
      targs: { data: targs, shape: [n, h, w] },
      ignoreIndex: 255,
    });
    expect(fromScores.confusionMatrix()).toEqual(wantRows);
    expect(Array.from(fromScores.decoded.data)).toEqual(Array.from(decoded));
  });

  it('a bad label met while counting names its item and pixel', () => {
    const interp = new SegmentationInterpretation({
      targs: { data: Int32Array.from([0, 1, 1, 0, 0, 1, 9, 0]), shape: [2, 2, 2] },
      decoded: { data: new Int32Array(8), shape: [2, 2, 2] },
      numClasses: 2,
    });
    expect(() => interp.confusionMatrix({ sliceSize: 2 })).toThrow(
      /targs of item 1 at \(row 1, column 0\) is 9/,
    );
  });
});

describe('interp.plotConfusionMatrix(options)', () => {
  const cellTexts = (svg: Element) =>
    Array.from(svg.querySelectorAll('text')).map((t) => t.textContent);

  it('has the expected defaults', () => {
    expect(plotPixelConfusionMatrixDefaults).toEqual({
      normalize: false,
      title: 'Pixel confusion matrix',
      cmap: 'Blues',
      normDec: 2,
      plotTxt: true,
    });
  });

  it('draws the pixel counts, rows actual and columns predicted (golden)', async () => {
    const svg = handWorked().plotConfusionMatrix({ document });
    const texts = cellTexts(svg);
    for (const t of ['Pixel confusion matrix', 'Actual', 'Predicted', 'road', 'tree', '4', '2'])
      expect(texts).toContain(t);
    expect(svg.querySelectorAll('rect[fill]').length).toBeGreaterThanOrEqual(16);
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/confusion-matrix.svg',
    );
  });

  it('normalizes rows; the rows of classes without target pixels are gray, without text (golden)', async () => {
    const svg = handWorked().plotConfusionMatrix({ normalize: true, normDec: 3, document });
    const texts = cellTexts(svg);
    // Row 'bg' = [4, 1, 0, 1] / 6, row 'road' = [1, 2, 0, 1] / 4.
    for (const t of ['0.667', '0.167', '0.250', '0.500']) expect(texts).toContain(t);
    expect(texts.join(' ')).not.toContain('NaN');
    expect(svg.querySelectorAll('rect[fill="#e0e0e0"]').length).toBe(8);
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/confusion-matrix-normalized.svg',
    );
  });

  it('abbreviates large counts; plotTxt: false draws no cell text; class names are escaped', () => {
    const n = 30_000;
    const interp = SegmentationInterpretation.fromPredictions({
      decoded: { data: new Uint8Array(n * 2).fill(1, n), shape: [2, 1, n] },
      targs: { data: new Uint8Array(n * 2).fill(1, n + 100), shape: [2, 1, n] },
      vocab: ['<script>alert(1)</script>', 'a&b'],
    });
    expect(interp.confusionMatrix()).toEqual([
      [n, 100],
      [0, n - 100],
    ]);
    const texts = cellTexts(interp.plotConfusionMatrix({ document }));
    expect(texts).toContain('30k');
    expect(texts).toContain('100');
    const s = toSVGString(interp.plotConfusionMatrix({ plotTxt: false, document }));
    expect(s).not.toContain('>30k<');
    expect(s).not.toContain('<script');
    expect(s).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(s).toContain('a&amp;b');
    expect(() => interp.plotConfusionMatrix({ normDec: -1, document })).toThrow(/normDec/);
    expect(() => interp.plotConfusionMatrix({ cmap: 'nope', document })).toThrow(InterpError);
  });
});

describe('SegmentationInterpretation.segmentationReport()', () => {
  it('is the pure segmentationReport of its pixel confusion matrix, worked by hand', () => {
    // targets [0 0 1 1], predicted [0 1 1 1]: rows target, columns predicted -> [[1, 1], [0, 2]].
    const interp = SegmentationInterpretation.fromPredictions({
      decoded: { data: [0, 1, 1, 1], shape: [1, 2, 2] },
      targs: { data: [0, 0, 1, 1], shape: [1, 2, 2] },
      vocab: ['sky', 'road'],
    });
    const r = interp.segmentationReport();
    expect(r.confusionMatrix).toEqual([
      [1, 1],
      [0, 2],
    ]);
    // IoU: 1 / (1 + 0 + 1) and 2 / (2 + 1 + 0).
    expect(r.iou[0]).toBeCloseTo(1 / 2, 12);
    expect(r.iou[1]).toBeCloseTo(2 / 3, 12);
    expect(r.pixelAccuracy).toBe(0.75);
    expect(r).toEqual(segmentationReport(r.confusionMatrix, ['sky', 'road']));
  });
});
