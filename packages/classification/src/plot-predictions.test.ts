import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { createDocument, toSVGString } from '@interp/viz';
import { normalizeSVG } from '@interp/viz/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { plotPredictions } from './plot-predictions.js';
import { showBatchPredictions } from './show-batch-predictions.js';
import { showResults } from './show-results.js';
import { interpErrorMatching, pixelLearner, probsLearner } from './test-learners.js';

let document: Document;
beforeAll(async () => {
  await setupBackend('wasm');
  document = await createDocument();
});

const captions = (el: Element) =>
  Array.from(el.querySelectorAll('g[aria-label="text"] text'))
    .map(
      (t) =>
        Array.from(t.querySelectorAll('tspan'))
          .map((s) => s.textContent)
          .join('|') || t.textContent,
    )
    .filter((s) => s !== '');
const fills = (el: Element) =>
  Array.from(el.querySelectorAll('g[aria-label="text"] text'))
    .map((t) => t.getAttribute('fill'))
    .filter(Boolean);

// softmax probability of the predicted class: e^v / (e^v + 3) for the one nonzero logit v.
const p = (v: number) => (Math.exp(v) / (Math.exp(v) + 3)).toFixed(2);

describe('plotPredictions(learn, { dsIdx, maxN })', () => {
  it('matches the golden SVG', async () => {
    const svg = await plotPredictions(pixelLearner(), { document });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/plot-predictions.svg',
    );
  });

  it('captions the first maxN images predicted/actual and probability, green right and red wrong', async () => {
    const svg = await expectNoLeakedTensors(() =>
      plotPredictions(pixelLearner(), { maxN: 3, document }),
    );
    expect(svg.querySelectorAll('image')).toHaveLength(3);
    // Captions in item order, then the title.
    expect(captions(svg)).toEqual([
      `a/a|${p(1)}`,
      `b/c|${p(2)}`,
      `d/d|${p(3)}`,
      'Prediction/Actual/Probability',
    ]);
    expect(fills(svg).slice(0, 3)).toEqual(['#1a7f37', '#cf222e', '#1a7f37']);
  });

  it('shows table rows as a table', async () => {
    const table = await plotPredictions(probsLearner(['p0', 'p1']), { maxN: 2, document });
    expect(table.localName).toBe('table');
    const cells = Array.from(table.querySelectorAll('tbody tr')).map((r) =>
      Array.from(r.querySelectorAll('td')).map((td) => td.textContent),
    );
    expect(cells).toEqual([
      ['0', '0.8750', '0.1250', 'neg', 'neg', '0.8750'],
      ['1', '0.7500', '0.2500', 'pos', 'neg', '0.7500'],
    ]);
  });

  it('rejects bad input with an InterpError', async () => {
    await expect(plotPredictions(pixelLearner(), { maxN: 0, document })).rejects.toThrow(
      interpErrorMatching(/maxN must be >= 1/),
    );
    await expect(plotPredictions(pixelLearner(), { dsIdx: 2, document })).rejects.toThrow(
      interpErrorMatching(/dsIdx must be in \[0, 1\]/),
    );
  });
});

describe('showResults(learn, { dsIdx, dl, maxN, shuffle, seed })', () => {
  it('shows actual then predicted for the first items, or a seeded sample', async () => {
    const learn = pixelLearner();
    const first = await expectNoLeakedTensors(() =>
      showResults(learn, { shuffle: false, maxN: 2, document }),
    );
    expect(captions(first)).toEqual(['a|a', 'c|b', 'Actual/Predicted']);
    const a = captions(await showResults(pixelLearner(), { maxN: 4, seed: 3, document }));
    const b = captions(await showResults(pixelLearner(), { maxN: 4, seed: 3, document }));
    expect(a).toEqual(b);
    expect([...a.slice(0, -1)].sort()).toEqual(['a|a', 'c|b', 'c|c', 'd|d']);
  });
});

describe('showBatchPredictions(learn, { dl, maxN })', () => {
  it('shows only the first batch', async () => {
    const svg = await expectNoLeakedTensors(() =>
      showBatchPredictions(pixelLearner(2), { document }),
    );
    expect(captions(svg)).toEqual([
      `pred: a|actual: a|${p(1)}`,
      `pred: b|actual: c|${p(2)}`,
      'Batch predictions',
    ]);
  });
});
