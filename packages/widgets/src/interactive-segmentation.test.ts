import {
  arrayDataLoader,
  DataLoaders,
  InterpError,
  Interpretation,
  Learner,
  setupBackend,
} from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { SegmentationInterpretation } from '@interp/segmentation';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { InteractiveSegmentation } from './interactive-segmentation.js';
import { testDom, XSS } from './test-dom.js';

// Two 2x3 images, 3 classes. By hand, item 0's pixel confusion matrix (rows target) is
//   [[1, 1, 0], [0, 2, 0], [1, 0, 1]]  -> IoU 1/3, 2/3, 1/2; mean 1/2; pixel accuracy 4/6
// item 1 is all background, predicted right -> IoU 1, NaN, NaN; mean 1; accuracy 1
// both together: [[7, 1, 0], [0, 2, 0], [1, 0, 1]] -> IoU 7/9, 2/3, 1/2; mean 35/54; accuracy 10/12
function sample(vocab: string[] = ['background', 'car', 'road']) {
  return new Interpretation({
    targs: { data: Int32Array.from([0, 0, 1, 1, 2, 2, 0, 0, 0, 0, 0, 0]), shape: [2, 2, 3] },
    decoded: { data: Int32Array.from([0, 1, 1, 1, 2, 0, 0, 0, 0, 0, 0, 0]), shape: [2, 2, 3] },
    losses: Float32Array.from([0.2, 0.9]),
    vocab,
    inputs: { data: Float32Array.from({ length: 12 }, (_, i) => i / 11), shape: [2, 2, 3] },
  });
}

async function shown(options = {}, vocab?: string[]) {
  const dom = testDom();
  const w = InteractiveSegmentation.fromInterpretation(sample(vocab), {
    document: dom.document,
    ...options,
  });
  const root = await w.show(dom.container);
  return { dom, w, root };
}

function iouRows(root: Element): string[][] {
  return Array.from(root.querySelectorAll('table.iw-iou tr'), (tr) =>
    Array.from(tr.children, (c) => c.textContent ?? ''),
  );
}

describe('InteractiveSegmentation', () => {
  it('shows the image with target and predicted masks, and per-class IoU for it and for all images', async () => {
    const { root, w } = await shown({ order: 'index' });
    expect(w.currentItem).toBe(0);
    const figures = root.querySelectorAll('figure');
    expect(Array.from(figures, (f) => f.querySelector('figcaption')!.textContent)).toEqual([
      'Image',
      'Target mask',
      'Predicted mask',
      'Errors (2 px)', // by hand: pixels 1 (0 -> 1) and 5 (2 -> 0)
    ]);
    expect(figures[1]!.querySelectorAll('img')).toHaveLength(2); // image + mask layer
    expect(iouRows(root)).toEqual([
      ['Class', 'This image', 'All images'],
      ['background', '0.333', '0.778'],
      ['car', '0.667', '0.667'],
      ['road', '0.500', '0.500'],
      ['Mean IoU', '0.500', '0.648'],
      ['Pixel accuracy', '0.667', '0.833'],
    ]);
    expect(root.querySelector('[role=status]')!.textContent).toBe(
      'Image 1 of 2 (item 0): mean IoU 0.50, pixel accuracy 66.7%, loss 0.200.',
    );
    const scores = w.datasetScores();
    expect(scores.meanIoU).toBeCloseTo(35 / 54, 12);
    expect(scores.pixelAccuracy).toBeCloseTo(10 / 12, 12);
  });

  it('marks classes absent from an image, and lists only the classes present', async () => {
    const { root, w } = await shown({ order: 'index' });
    await w.next();
    expect(w.currentItem).toBe(1);
    const rows = iouRows(root);
    expect(rows[2]).toEqual(['car', '—', '0.667']);
    expect(
      root.querySelector('table.iw-iou tbody tr:nth-child(2) td')!.getAttribute('aria-label'),
    ).toBe('absent');
    expect(Array.from(root.querySelectorAll('.iw-legend li'), (li) => li.textContent)).toEqual([
      'background',
    ]);
  });

  it('browses largest loss first by default, with buttons, arrow keys and the order menu', async () => {
    const { root, w, dom } = await shown();
    expect(w.browsingOrder()).toEqual([1, 0]);
    expect(w.currentItem).toBe(1);
    const next = root.querySelector('button[aria-label="Next image"]')!;
    dom.click(next);
    await new Promise((r) => setTimeout(r, 0));
    expect(w.currentItem).toBe(0);
    const panels = root.querySelector('.iw-panels') as HTMLElement;
    expect(panels.getAttribute('tabindex')).toBe('0');
    dom.key(panels, 'ArrowRight'); // wraps around
    await new Promise((r) => setTimeout(r, 0));
    expect(w.currentItem).toBe(1);
    dom.key(panels, 'ArrowLeft');
    await new Promise((r) => setTimeout(r, 0));
    expect(w.currentItem).toBe(0);
    expect(root.querySelector('.iw-controls span')!.textContent).toBe('Image 2 of 2 (item 0)');
    dom.change(root.querySelector('select[name=order]') as HTMLSelectElement, 'index');
    await new Promise((r) => setTimeout(r, 0));
    expect(w.browsingOrder()).toEqual([0, 1]);
    expect(w.currentItem).toBe(0);
    await w.showItem(1);
    expect(w.currentItem).toBe(1);
  });

  it('the opacity slider fades the mask layers', async () => {
    const { root, dom, w } = await shown({ opacity: 0.3 });
    const slider = root.querySelector('input[type=range]') as HTMLInputElement;
    expect(root.querySelector(`label[for="${slider.id}"]`)!.textContent).toBe('Mask opacity');
    const masks = () =>
      Array.from(root.querySelectorAll('img.iw-mask'), (m) => (m as HTMLElement).style.opacity);
    expect(masks()).toEqual(['0.3', '0.3']);
    dom.change(slider, '0.75', 'input');
    expect(masks()).toEqual(['0.75', '0.75']);
    expect(root.querySelector('output')!.textContent).toBe('75%');
    expect(w.getOpacity()).toBe(0.75);
    w.setOpacity(0);
    expect(slider.value).toBe('0');
    expect(masks()).toEqual(['0', '0']);
  });

  it('draws the background class transparent and the others opaque', async () => {
    const { root } = await shown({ order: 'index' });
    const mask = root.querySelectorAll('img.iw-mask')[0]!.getAttribute('src')!;
    // Decode nothing: compare with a mask drawn with no transparent class instead.
    const { root: all } = await shown({ order: 'index', backgroundIndex: null });
    expect(all.querySelectorAll('img.iw-mask')[0]!.getAttribute('src')).not.toBe(mask);
  });

  it('shows the background swatch in its real colour and gives all 11 MNIST classes distinct colours', async () => {
    const { root } = await shown({ order: 'index' });
    const swatch = root.querySelector('.iw-legend li .iw-swatch') as HTMLElement;
    expect(swatch.style.background).toBe('rgb(0, 0, 0)'); // class 0 is black, not white
    expect(root.querySelector('.iw-legend li')!.getAttribute('title')).toBe(
      'Not drawn over the image',
    );
    // Background + ten digits: digits 7 and 9 (classes 8 and 10) were olive and yellow, 74
    // apart in RGB, the closest pair; now every pair is further apart than that, and 7 and 9 far.
    const digits = Int32Array.from({ length: 11 }, (_, k) => k);
    const w = InteractiveSegmentation.fromInterpretation(
      new Interpretation({
        targs: { data: digits, shape: [1, 1, 11] },
        decoded: { data: digits, shape: [1, 1, 11] },
      }),
      { document: testDom().document, backgroundIndex: null },
    );
    const r = await w.show();
    const rgb = Array.from(r.querySelectorAll('.iw-legend .iw-swatch'), (el) =>
      (el as HTMLElement).style.background.match(/\d+/g)!.map(Number),
    );
    expect(rgb).toHaveLength(11);
    for (let a = 0; a < 11; a++) {
      for (let b = a + 1; b < 11; b++) {
        expect(
          Math.hypot(...rgb[a]!.map((v, i) => v - rgb[b]![i]!)),
          `${a} vs ${b}`,
        ).toBeGreaterThan(75);
      }
    }
    expect(Math.hypot(...rgb[8]!.map((v, i) => v - rgb[10]![i]!))).toBeGreaterThan(150);
  });

  it('shows class names as text: a markup vocab entry stays inert', async () => {
    const { root } = await shown({ order: 'index' }, ['bg', XSS, 'road']);
    expect(root.querySelectorAll('img[src="x"]')).toHaveLength(0);
    expect(iouRows(root)[2]![0]).toBe(XSS);
    expect(Array.from(root.querySelectorAll('.iw-legend li'), (li) => li.textContent)).toContain(
      XSS,
    );
  });

  it('takes a SegmentationInterpretation and leaves its ignored pixels out of the scores', async () => {
    // One 2x2 image: target [0, 1, 255, 1], predicted [0, 1, 1, 0]. Without the void pixel:
    // class 0 TP 1, predicted 2 -> IoU 1/2; class 1 TP 1, target 2, predicted 1 -> IoU 1/2.
    const interp = SegmentationInterpretation.fromPredictions({
      targs: { data: [0, 1, 255, 1], shape: [1, 2, 2] },
      decoded: { data: [0, 1, 1, 0], shape: [1, 2, 2] },
      ignoreIndex: 255,
      vocab: ['bg', 'fg'],
    });
    const dom = testDom();
    const w = InteractiveSegmentation.fromInterpretation(interp, { document: dom.document });
    const root = await w.show(dom.container);
    expect(iouRows(root).slice(1)).toEqual([
      ['bg', '0.500', '0.500'],
      ['fg', '0.500', '0.500'],
      ['Mean IoU', '0.500', '0.500'],
      ['Pixel accuracy', '0.667', '0.667'],
    ]);
    expect(Array.from(root.querySelectorAll('.iw-legend li'), (li) => li.textContent)).toEqual([
      'bg',
      'fg',
    ]);
    // Pixel 3 (1 -> 0) is wrong; pixel 2 (ignored, predicted 1) is not counted.
    expect(root.querySelector('figure:last-child figcaption')!.textContent).toBe('Errors (1 px)');
  });

  it('rejects bad input with messages that say what to pass', async () => {
    const labels = new Interpretation({
      targs: { data: Int32Array.from([0, 1]), shape: [2] },
      decoded: { data: Int32Array.from([0, 1]), shape: [2] },
    });
    expect(() => InteractiveSegmentation.fromInterpretation(labels)).toThrow(
      'segmentation masks must be [N, H, W]: targs is [2] and decoded is [2]; use a classification widget for one label per item',
    );
    expect(() => InteractiveSegmentation.fromInterpretation({} as never)).toThrow(InterpError);
    expect(() => new InteractiveSegmentation(undefined, { opacity: 1.5 })).toThrow(
      'opacity must be in [0, 1], got 1.5',
    );
    expect(() => new InteractiveSegmentation(undefined, { order: 'random' as never })).toThrow(
      /invalid order: "random"/,
    );
    const dom = testDom();
    await expect(
      new InteractiveSegmentation(undefined, { document: dom.document }).show(dom.container),
    ).rejects.toThrow(/needs a learner/);
    const w = InteractiveSegmentation.fromInterpretation(sample(), { document: dom.document });
    await expect(w.next()).rejects.toThrow(/call show\(\) before/);
    await w.show(dom.container);
    await expect(w.showItem(2)).rejects.toThrow('item index must be in [0, 1], got 2');
    expect(() => w.setOpacity(-0.1)).toThrow(/opacity must be in \[0, 1\]/);
  });
});

describe('InteractiveSegmentation with a learner', () => {
  beforeAll(async () => {
    await setupBackend('cpu');
  });

  it('runs the model over the dataset (a SegmentationInterpretation) and shows its masks without leaking tensors', async () => {
    // A 1x1 conv: class 1 wherever the pixel is bright (logit 1: 4x - 2 > logit 0: 0).
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [2, 2, 1],
          filters: 2,
          kernelSize: 1,
          weights: [tf.tensor4d([0, 4], [1, 1, 1, 2]), tf.tensor1d([0, -2])],
        }),
      ],
    });
    const x = { data: Float32Array.from([0, 1, 0.9, 0.1, 1, 1, 0, 0]), shape: [2, 2, 2, 1] };
    const y = { data: Int32Array.from([0, 1, 1, 1, 1, 1, 0, 0]), shape: [2, 2, 2] };
    const dl = arrayDataLoader(x, y, { vocab: ['dark', 'bright'] });
    const learn = Learner.fromLayersModel(model, { dls: new DataLoaders(dl, dl) });
    const dom = testDom();
    const w = new InteractiveSegmentation(learn, { document: dom.document, order: 'index' });
    await expectNoLeakedTensors(async () => {
      await w.show(dom.container);
    });
    expect(w.interp).toBeInstanceOf(SegmentationInterpretation);
    // item 0 predicted [0, 1, 1, 0] vs target [0, 1, 1, 1]: IoU dark 1/2, bright 2/3
    expect(iouRows(w.root!).slice(1, 3)).toEqual([
      ['dark', '0.500', '0.750'],
      ['bright', '0.667', '0.800'],
    ]);
    model.dispose();
  });
});
