import { attributionOverlay } from '@interp/attribution';
import { ClassificationInterpretation } from '@interp/classification';
import { arrayDataLoader, DataLoaders, InterpError, Learner, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { InteractiveClassifier } from './interactive-classifier.js';
import { ATTRIBUTION_METHODS } from './internal/item-attribution.js';
import { itemsByLoss } from './state/items-by-loss.js';
import { settle, testDom, XSS } from './test-dom.js';

// Seven 2x2 images; targets and predictions chosen so the confusion matrix is, by hand,
//   actual 0: [1, 1, 0]   (items 0, 1)
//   actual 1: [0, 2, 0]   (items 2, 3)
//   actual 2: [1, 0, 2]   (items 4, 5, 6)
const targs = [0, 0, 1, 1, 2, 2, 2];
const decoded = [0, 1, 1, 1, 2, 0, 2];
const losses = [0.1, 2.5, 0.3, 0.3, 0.2, 1.7, 0.9];
const inputs = {
  data: Float32Array.from({ length: 7 * 4 }, (_, i) => (i % 5) / 4),
  shape: [7, 2, 2],
};

function sample(vocab = ['cat', 'dog', 'bird']) {
  return ClassificationInterpretation.fromPredictions({ targs, decoded, losses, vocab, inputs });
}

async function shown(vocab?: string[]) {
  const dom = testDom();
  const w = InteractiveClassifier.fromInterpretation(sample(vocab), { document: dom.document });
  const root = await w.show(dom.container);
  return { dom, w, root };
}

const cell = (root: Element, i: number, j: number) =>
  root.querySelector(`td[data-actual="${i}"][data-predicted="${j}"]`) as HTMLElement;
const listed = (root: Element) =>
  Array.from(root.querySelectorAll('ul.iw-items li[data-index]'), (li) =>
    Number((li as HTMLElement).dataset.index),
  );

describe('InteractiveClassifier', () => {
  it('show() draws the confusion matrix as a grid of labelled cells with the counts', async () => {
    const { root, dom } = await shown();
    expect(root.parentElement).toBe(dom.container);
    const grid = root.querySelector('[role=grid]')!;
    expect(grid.getAttribute('aria-label')).toMatch(/rows are actual/);
    const counts = Array.from(grid.querySelectorAll('tbody tr'), (tr) =>
      Array.from(tr.querySelectorAll('td'), (td) => Number(td.textContent)),
    );
    expect(counts).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 2],
    ]);
    expect(cell(root, 2, 0).getAttribute('aria-label')).toBe('Actual bird, predicted cat: 1 item');
    // One tab stop for the whole grid (roving tabindex).
    expect(grid.querySelectorAll('td[tabindex="0"]')).toHaveLength(1);
    // The largest count gets the darkest fill and white text; 0 the lightest with black text.
    expect(cell(root, 1, 1).style.color).toBe('rgb(255, 255, 255)');
    expect(cell(root, 0, 2).style.color).toBe('rgb(0, 0, 0)');
  });

  it('lists every item, largest loss first with ties to the lower index', async () => {
    const { root } = await shown();
    // losses 2.5 (1), 1.7 (5), 0.9 (6), 0.3 (2), 0.3 (3), 0.2 (4), 0.1 (0)
    expect(listed(root)).toEqual([1, 5, 6, 2, 3, 4, 0]);
    expect(root.querySelector('h3')!.textContent).toBe('Items (7)');
  });

  it('a click on a confusion cell lists that cell’s items and announces them', async () => {
    const { root, dom } = await shown();
    dom.click(cell(root, 2, 2));
    expect(listed(root)).toEqual([6, 4]);
    expect(cell(root, 2, 2).getAttribute('aria-selected')).toBe('true');
    expect(cell(root, 0, 0).getAttribute('aria-selected')).toBe('false');
    const status = root.querySelector('[role=status]')!;
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.textContent).toBe(
      '2 items with actual bird, predicted bird, largest loss first.',
    );
    const actual = root.querySelector('select[name=actual]') as HTMLSelectElement;
    const predicted = root.querySelector('select[name=predicted]') as HTMLSelectElement;
    expect([actual.value, predicted.value]).toEqual(['2', '2']);
  });

  it('filters by actual and by predicted class from the menus', async () => {
    const { root, dom, w } = await shown();
    const actual = root.querySelector('select[name=actual]') as HTMLSelectElement;
    const predicted = root.querySelector('select[name=predicted]') as HTMLSelectElement;
    dom.change(actual, '0');
    expect(listed(root)).toEqual([1, 0]);
    dom.change(actual, '');
    dom.change(predicted, '1');
    expect(listed(root)).toEqual([1, 2, 3]);
    expect(w.getFilter()).toEqual({ actual: null, predicted: 1 });
    dom.change(actual, '1');
    expect(listed(root)).toEqual([2, 3]);
    dom.click(
      Array.from(root.querySelectorAll('button')).find((b) => b.textContent === 'Show all')!,
    );
    expect(listed(root)).toHaveLength(7);
  });

  it('an empty cell says there are no items', async () => {
    const { root, dom } = await shown();
    dom.click(cell(root, 0, 2));
    expect(listed(root)).toEqual([]);
    expect(root.querySelector('ul.iw-items')!.textContent).toBe('No items');
    expect(root.querySelector('[role=status]')!.textContent).toMatch(/^0 items/);
  });

  it('is keyboard usable: arrows move in the grid, Enter and Space select, the list follows', async () => {
    const { root, dom } = await shown();
    const doc = dom.document;
    const start = cell(root, 0, 0);
    start.focus();
    dom.key(start, 'ArrowRight');
    expect(doc.activeElement).toBe(cell(root, 0, 1));
    dom.key(doc.activeElement!, 'ArrowDown');
    dom.key(doc.activeElement!, 'ArrowDown');
    dom.key(doc.activeElement!, 'ArrowLeft');
    dom.key(doc.activeElement!, 'ArrowLeft'); // stops at the edge
    expect(doc.activeElement).toBe(cell(root, 2, 0));
    expect(cell(root, 2, 0).getAttribute('tabindex')).toBe('0');
    expect(cell(root, 0, 0).getAttribute('tabindex')).toBe('-1');
    dom.key(doc.activeElement!, 'Enter');
    expect(listed(root)).toEqual([5]);
    dom.key(doc.activeElement!, 'End');
    dom.key(doc.activeElement!, ' ');
    expect(listed(root)).toEqual([6, 4]);

    const items = root.querySelectorAll('ul.iw-items li[data-index]');
    (items[0] as HTMLElement).focus();
    dom.key(items[0]!, 'ArrowDown');
    expect(doc.activeElement).toBe(items[1]);
    dom.key(items[1]!, 'Enter');
    await settle();
    expect(items[1]!.getAttribute('aria-selected')).toBe('true');
    expect(root.querySelector('.iw-detail h3')!.textContent).toBe('Item 4');
    expect(root.querySelector('.iw-detail p')!.textContent).toBe(
      'Predicted bird, actual bird, loss 0.20',
    );
  });

  it('opens an item with its image; without a learner or model it says attribution needs one', async () => {
    const { root, w } = await shown();
    await w.selectItem(5);
    const detail = root.querySelector('.iw-detail')!;
    expect(detail.querySelector('img')!.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(detail.querySelector('img')!.getAttribute('alt')).toBe('Item 5');
    expect(detail.textContent).toMatch(
      /Attribution needs the model \(this view has predictions only\): pass a learner or \{ model \}/,
    );
    expect(root.querySelector('select[name=attribution]')).toBeNull();
  });

  it('pages long lists with a Show more button', async () => {
    const dom = testDom();
    const w = InteractiveClassifier.fromInterpretation(sample(), {
      document: dom.document,
      pageSize: 3,
    });
    const root = await w.show(dom.container);
    expect(listed(root)).toEqual([1, 5, 6]);
    const more = Array.from(root.querySelectorAll('button')).find((b) =>
      b.textContent!.startsWith('Show more'),
    )!;
    expect(more.textContent).toBe('Show more (4 left)');
    dom.click(more);
    expect(listed(root)).toEqual([1, 5, 6, 2, 3, 4]);
    expect(dom.document.activeElement).toBe(root.querySelector('li[data-index="2"]'));
    dom.click(more);
    expect(listed(root)).toHaveLength(7);
    expect(more.hidden).toBe(true);
    expect(w.visibleItems()).toEqual([1, 5, 6, 2, 3, 4, 0]);
  });

  it('shows class names as text: a markup vocab entry stays inert', async () => {
    const { root } = await shown([XSS, 'dog', '"><script>alert(2)</script>']);
    expect(root.querySelectorAll('img[src="x"]')).toHaveLength(0);
    expect(root.querySelectorAll('script')).toHaveLength(0);
    const headers = Array.from(root.querySelectorAll('thead th'), (th) => th.textContent);
    expect(headers).toContain(XSS);
    expect(headers).toContain('"><script>alert(2)</script>');
    const options = Array.from(
      root.querySelectorAll('select[name=actual] option'),
      (o) => o.textContent,
    );
    expect(options).toEqual(['All classes', XSS, 'dog', '"><script>alert(2)</script>']);
    expect(root.querySelector('li[data-index="1"]')!.getAttribute('aria-label')).toBe(
      `Item 1: predicted dog, actual ${XSS}, loss 2.50`,
    );
  });

  it('itemsByLoss puts NaN losses last and keeps index order without losses', () => {
    const interp = ClassificationInterpretation.fromPredictions({
      targs: [0, 0, 0],
      decoded: [0, 0, 0],
      losses: [Number.NaN, 1, 1],
      vocab: ['a'],
    });
    expect(Array.from(itemsByLoss(interp, { actual: null, predicted: null }))).toEqual([1, 2, 0]);
    const noLoss = ClassificationInterpretation.fromPredictions({
      targs: [1, 0, 1],
      decoded: [1, 0, 0],
      vocab: ['a', 'b'],
    });
    expect(Array.from(itemsByLoss(noLoss, { actual: 1, predicted: null }))).toEqual([0, 2]);
  });

  it('rejects bad input with messages that say what to pass', async () => {
    expect(() => InteractiveClassifier.fromInterpretation({} as never)).toThrow(
      /needs a ClassificationInterpretation/,
    );
    expect(() => new InteractiveClassifier(undefined, { attribution: 'limes' as never })).toThrow(
      /^invalid attribution: "limes"; expected one of 'saliency', 'gxi', 'ig', /,
    );
    expect(() => new InteractiveClassifier(undefined, { dsIdx: 2 })).toThrow(InterpError);
    expect(() => new InteractiveClassifier(undefined, { pageSize: 0 })).toThrow(/pageSize/);
    expect(() => new InteractiveClassifier(undefined, { cmap: 'nope' })).toThrow(InterpError);
    const dom = testDom();
    await expect(
      new InteractiveClassifier(undefined, { document: dom.document }).show(dom.container),
    ).rejects.toThrow(/needs a learner, or use InteractiveClassifier.fromInterpretation/);
    const w = InteractiveClassifier.fromInterpretation(sample(), { document: dom.document });
    expect(() => w.setFilter({ actual: 0 })).toThrow(/call show\(\) before/);
    await w.show(dom.container);
    expect(() => w.setFilter({ actual: 3 })).toThrow('actual must be in [0, 2], got 3');
    await expect(w.selectItem(7)).rejects.toThrow('item index must be in [0, 6], got 7');
  });
});

describe('InteractiveClassifier with a learner', () => {
  beforeAll(async () => {
    await setupBackend('cpu');
  });

  // A linear model on 2x2 images: logits = flatten(x) . W, so the saliency of class k is |W[:, k]|.
  const W = [
    [1, -2],
    [-0.5, 0.25],
    [3, 0],
    [0, -1],
  ];
  function linearLearner() {
    const model = tfl.sequential({
      layers: [
        tfl.layers.flatten({ inputShape: [2, 2, 1] }),
        tfl.layers.dense({ units: 2, useBias: false, weights: [tf.tensor2d(W)] }),
      ],
    });
    const x = {
      data: Float32Array.from([1, 0, 0.5, 0, 0, 1, 0, 0.5, 0.2, 0.2, 0.9, 0.1]),
      shape: [3, 2, 2, 1],
    };
    const y = { data: Int32Array.from([0, 1, 1]), shape: [3] };
    const dl = arrayDataLoader(x, y, { vocab: ['left', XSS] });
    return { learn: Learner.fromLayersModel(model, { dls: new DataLoaders(dl, dl) }), model, x };
  }

  it('computes the interpretation, and draws the saliency of the predicted class of an opened item', async () => {
    const { learn, model, x } = linearLearner();
    const dom = testDom();
    const w = new InteractiveClassifier(learn, { document: dom.document });
    const root = await w.show(dom.container);
    expect(w.interp!.length).toBe(3);
    expect(root.querySelector('select[name=attribution]')).not.toBeNull();
    // item 0 = [1, 0, 0.5, 0]: logits [1 + 1.5, -2] -> class 0
    await expectNoLeakedTensors(() => w.selectItem(0));
    const img = root.querySelector('.iw-attribution img')!;
    expect(img.getAttribute('alt')).toBe('Saliency for class left, item 0');
    const expected = await attributionOverlay(
      { data: x.data.subarray(0, 4), shape: [2, 2, 1] },
      { data: Float32Array.from(W, (row) => Math.abs(row[0]!)), shape: [2, 2, 1] },
      { sign: 'absolute_value', method: 'blended_heat_map' },
    );
    expect(img.getAttribute('src')).toBe(expected.dataURL);
    expect(root.querySelector('[role=status]')!.textContent).toBe(
      'Item 0: Saliency for class left drawn.',
    );
    // item 1 = [0, 1, 0, 0.5]: logits [-0.5, 0.25 - 0.5] -> class 1 (the markup-named one)
    await w.selectItem(1);
    expect(root.querySelector('.iw-attribution img')!.getAttribute('alt')).toBe(
      `Saliency for class ${XSS}, item 1`,
    );
    expect(root.querySelectorAll('img[src="x"]')).toHaveLength(0);
    model.dispose();
  });

  it('switches attribution method from the menu (Integrated gradients)', async () => {
    const { learn, model } = linearLearner();
    const dom = testDom();
    const w = new InteractiveClassifier(learn, {
      document: dom.document,
      attribution: 'ig',
    });
    const root = await w.show(dom.container);
    const menu = root.querySelector('select[name=attribution]') as HTMLSelectElement;
    expect(menu.value).toBe('ig');
    await w.selectItem(2);
    expect(root.querySelector('.iw-attribution img')!.getAttribute('alt')).toMatch(
      /^Integrated gradients for class /,
    );
    dom.change(menu, 'gxi'); // a method change redraws the opened item
    await settle();
    expect(root.querySelector('.iw-attribution img')!.getAttribute('alt')).toMatch(
      /^Gradient × input for class /,
    );
    model.dispose();
  });

  it('offers the CLI names of the Captum methods in its menu and draws each', async () => {
    const { learn, model } = linearLearner();
    const dom = testDom();
    const w = new InteractiveClassifier(learn, { document: dom.document });
    const root = await w.show(dom.container);
    const menu = root.querySelector('select[name=attribution]') as HTMLSelectElement;
    expect(Array.from(menu.options, (o) => o.value)).toEqual([...ATTRIBUTION_METHODS]);
    await w.selectItem(2);
    const labels: Record<string, RegExp> = {
      deeplift: /^DeepLift for class /,
      'gradient-shap': /^GradientShap for class /,
      'guided-backprop': /^Guided backprop for class /,
      deconvolution: /^Deconvolution for class /,
    };
    for (const [method, alt] of Object.entries(labels)) {
      dom.change(menu, method);
      await settle();
      expect(root.querySelector('.iw-attribution img')!.getAttribute('alt')).toMatch(alt);
    }
    model.dispose();
  });
});
