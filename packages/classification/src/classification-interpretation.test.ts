import {
  arrayDataLoader,
  DataLoaders,
  InterpError,
  learnerFromFunction,
  setupBackend,
} from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { createDocument, toSVGString } from '@interp/viz';
import { normalizeSVG } from '@interp/viz/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClassificationInterpretation } from './classification-interpretation.js';

let document: Document;
beforeAll(async () => {
  await setupBackend('wasm');
  document = await createDocument();
});

// Hand-worked case: class 'd' has no support and is never predicted; 'b' is never predicted right.
//   rows actual: a [1, 2, 0, 0], b [2, 0, 0, 0], c [0, 1, 2, 0], d [0, 0, 0, 0]
const targs = [0, 0, 0, 1, 1, 2, 2, 2];
const decoded = [0, 1, 1, 0, 0, 2, 2, 1];
const vocab = ['a', 'b', 'c', 'd'];
const handWorked = () => ClassificationInterpretation.fromPredictions({ decoded, targs, vocab });

describe('ClassificationInterpretation.fromPredictions({ decoded, targs, vocab })', () => {
  it('counts the confusion matrix, rows actual and columns predicted', () => {
    const interp = handWorked();
    expect(interp.confusionMatrix()).toEqual([
      [1, 2, 0, 0],
      [2, 0, 0, 0],
      [0, 1, 2, 0],
      [0, 0, 0, 0],
    ]);
    // Cached, and a copy each time.
    const m = interp.confusionMatrix({ sliceSize: 3 });
    m[0]![0] = 99;
    expect(interp.confusionMatrix()[0]![0]).toBe(1);
  });

  it('mostConfused(minVal) lists off-diagonal pairs by count, ties in row-major order', () => {
    const interp = handWorked();
    expect(interp.mostConfused()).toEqual([
      ['a', 'b', 2],
      ['b', 'a', 2],
      ['c', 'b', 1],
    ]);
    expect(interp.mostConfused(2)).toEqual([
      ['a', 'b', 2],
      ['b', 'a', 2],
    ]);
  });

  it("classificationReport() gives scikit-learn's numbers (zero_division=0, every class listed)", () => {
    const r = handWorked().classificationReport();
    expect(r.classNames).toEqual(vocab);
    expect(r.classes.a!.precision).toBeCloseTo(1 / 3, 12);
    expect(r.classes.b).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(r.classes.c!.recall).toBeCloseTo(2 / 3, 12);
    expect(r.classes.c!.f1).toBeCloseTo(0.8, 12);
    expect(r.classes.d).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(r.accuracy).toBe(0.375);
    expect(r.macroAvg.precision).toBeCloseTo(1 / 3, 12);
    expect(r.macroAvg.recall).toBeCloseTo(0.25, 12);
    expect(r.macroAvg.f1).toBeCloseTo((1 / 3 + 0.8) / 4, 12);
    expect(r.macroAvg.support).toBe(8);
    expect(r.weightedAvg.precision).toBeCloseTo(0.5, 12);
    expect(r.weightedAvg.recall).toBeCloseTo(0.375, 12);
    expect(r.weightedAvg.f1).toBeCloseTo(0.425, 12);
  });

  it('printClassificationReport() prints the table laid out as scikit-learn does', () => {
    const lines: string[] = [];
    const text = handWorked().printClassificationReport({ log: (t) => lines.push(t) });
    expect(lines).toEqual([text]);
    expect(text).toBe(
      [
        '              precision    recall  f1-score   support',
        '',
        '           a       0.33      0.33      0.33         3',
        '           b       0.00      0.00      0.00         2',
        '           c       1.00      0.67      0.80         3',
        '           d       0.00      0.00      0.00         0',
        '',
        '    accuracy                           0.38         8',
        '   macro avg       0.33      0.25      0.28         8',
        // (1/3*3 + 0.8*3) / 8 = 0.42500000000000004 in floating point, as numpy computes it: 0.43.
        'weighted avg       0.50      0.38      0.43         8',
        '',
      ].join('\n'),
    );
  });

  it('rejects mismatched inputs with InterpErrors that say what to pass', () => {
    expect(() => ClassificationInterpretation.fromPredictions({ targs } as never)).toThrow(
      /needs \{ preds \}/,
    );
    expect(() =>
      ClassificationInterpretation.fromPredictions({
        preds: { data: [0.5, 0.5], shape: [1, 2] },
        targs,
      }),
    ).toThrow(/N = 8/);
    expect(() =>
      ClassificationInterpretation.fromPredictions({ decoded, targs, vocab: ['a'] }),
    ).toThrow(InterpError);
    expect(() =>
      ClassificationInterpretation.fromPredictions({
        decoded: [0, 5],
        targs: [0, 1],
        vocab: ['a', 'b'],
      }),
    ).toThrow(/decoded\[1\] = 5 is not a class index in 0..1/);
    expect(() =>
      ClassificationInterpretation.fromPredictions({ decoded: [0], targs: [0, 1] }),
    ).toThrow(/decoded has 1 labels but targs has 2/);
  });
});

describe('ClassificationInterpretation.fromPredictions({ preds, targs })', () => {
  // Ties: item 0 and 1 have equal scores (argmax -> class 0) and equal losses -ln 0.5.
  const preds = {
    data: Float32Array.from([0.5, 0.5, 0.5, 0.5, 0.9, 0.1]),
    shape: [3, 2] as [number, number],
  };
  it('decodes by argmax (ties to the lower class) and computes -ln(max(p[target], 1e-12)) losses', () => {
    const interp = ClassificationInterpretation.fromPredictions({ preds, targs: [1, 0, 1] });
    expect(Array.from(interp.decoded.data)).toEqual([0, 0, 0]);
    expect(interp.losses![0]).toBeCloseTo(Math.LN2, 6);
    expect(interp.losses![2]).toBeCloseTo(-Math.log(0.1), 5);
    expect(interp.classNames).toEqual(['0', '1']);
    expect(Array.from(interp.topLosses().indices)).toEqual([2, 0, 1]);
    expect(interp.confusionMatrix()).toEqual([
      [1, 0],
      [2, 0],
    ]);
  });
});

describe('interp.plotConfusionMatrix(options)', () => {
  it('draws one cell per class pair with counts, axes Actual and Predicted (golden)', async () => {
    const svg = handWorked().plotConfusionMatrix({ document });
    const text = toSVGString(svg);
    expect(svg.querySelectorAll('rect[fill]').length).toBeGreaterThanOrEqual(16);
    expect(text).toContain('Actual');
    expect(text).toContain('Predicted');
    expect(text).toContain('Confusion matrix');
    await expect(normalizeSVG(text)).toMatchFileSnapshot('./__goldens__/confusion-matrix.svg');
  });

  it('normalizes rows; an empty row shows 0, not NaN; normDec sets the decimals', async () => {
    const svg = handWorked().plotConfusionMatrix({ normalize: true, normDec: 3, document });
    const texts = Array.from(svg.querySelectorAll('text')).map((t) => t.textContent);
    expect(texts).toContain('0.667');
    expect(texts).toContain('0.333');
    expect(texts.join(' ')).not.toContain('NaN');
    expect(texts.filter((t) => t === '0.000').length).toBeGreaterThanOrEqual(4);
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/confusion-matrix-normalized.svg',
    );
  });

  it('plotTxt: false leaves the cells without text; class names are escaped', () => {
    const interp = ClassificationInterpretation.fromPredictions({
      decoded: [0, 1],
      targs: [0, 1],
      vocab: ['<img src=x onerror=alert(1)>', 'b&c'],
    });
    const svg = interp.plotConfusionMatrix({ plotTxt: false, document });
    const texts = Array.from(svg.querySelectorAll('text')).map((t) => t.textContent);
    expect(texts).not.toContain('1');
    const s = toSVGString(svg);
    expect(s).not.toContain('<img');
    expect(s).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(() => interp.plotConfusionMatrix({ normDec: -1, document })).toThrow(/normDec/);
    expect(() => interp.plotConfusionMatrix({ cmap: 'nope', document })).toThrow(InterpError);
  });
});

describe('interp.plotTopLosses(k) and fromLearner', () => {
  // Identity "model" on 2x2 images: logits = first two pixels.
  const images = Float32Array.from([0, 1, 0, 0, 2, 0, 0, 0, 1, 1, 0, 0]);
  const labels = Int32Array.from([1, 0, 1]);
  const learner = () => {
    const dl = arrayDataLoader({ data: images, shape: [3, 2, 2, 1] }, { data: labels, shape: [3] });
    return learnerFromFunction(
      (x) => tf.reshape(tf.slice(x, [0, 0, 0, 0], [-1, 1, 2, 1]), [-1, 2]),
      {
        dls: new DataLoaders(dl, dl),
        vocab: ['zero', 'one'],
      },
    );
  };

  it('plotTopLosses says how to show items when there are neither inputs nor a loader', async () => {
    const interp = ClassificationInterpretation.fromPredictions({
      preds: { data: Float32Array.of(0.9, 0.1, 0.2, 0.8), shape: [2, 2] },
      targs: Int32Array.of(1, 1),
    });
    await expect(interp.plotTopLosses(1, { document })).rejects.toThrow(InterpError);
    await expect(interp.plotTopLosses(1, { document })).rejects.toThrow(
      /no inputs and no data loader: pass \{ dl \} or \{ inputs \}/,
    );
  });

  it('fromLearner reads the validation predictions; plotTopLosses captions predicted/actual / loss / probability', async () => {
    const interp = await ClassificationInterpretation.fromLearner(learner());
    expect(interp).toBeInstanceOf(ClassificationInterpretation);
    expect(Array.from(interp.decoded.data)).toEqual([1, 0, 0]);
    const grid = await interp.plotTopLosses(2, { document });
    expect(grid.querySelectorAll('image').length).toBe(2);
    const text = Array.from(grid.querySelectorAll('text'))
      .map((t) => t.textContent)
      .join('|');
    // Item 2 (x=(1,1), target 'one', predicted 'zero' by the tie rule): loss ln 2, probability 0.50.
    expect(text).toContain('zero/one / 0.69 / 0.50');
    // Item 0: predicted 'one' = actual, loss ln(1 + e^-1) = 0.31, p = 0.73.
    expect(text).toContain('one/one / 0.31 / 0.73');
    expect(text).toContain('Prediction/Actual/Loss/Probability');
  });

  it('shows rows as a table for tabular items', async () => {
    const x = { data: Float32Array.from([3, 1, 0, 2]), shape: [2, 2] };
    const y = { data: Int32Array.from([1, 1]), shape: [2] };
    const dl = arrayDataLoader(x, y, { columns: ['height', 'width'] });
    const learn = learnerFromFunction((t) => tf.clone(t), {
      dls: new DataLoaders(dl, dl),
      vocab: ['n', 'y'],
    });
    const interp = await ClassificationInterpretation.fromLearner(learn);
    const table = await interp.plotTopLosses(2, { document });
    expect(table.tagName.toLowerCase()).toBe('table');
    const cells = Array.from(table.querySelectorAll('td')).map((c) => c.textContent);
    expect(cells).toContain('3');
    expect(table.textContent).toContain('n');
  });

  it('leaks no tensors', async () => {
    await expectNoLeakedTensors(async () => {
      const interp = await ClassificationInterpretation.fromLearner(learner());
      interp.confusionMatrix();
    });
  });
});
