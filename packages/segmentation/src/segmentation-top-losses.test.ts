import {
  arrayDataLoader,
  DataLoaders,
  InterpError,
  learnerFromFunction,
  setupBackend,
} from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { createDocument, imageToDataURL, toSVGString } from '@interp/viz';
import { normalizeSVG } from '@interp/viz/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskToDataURL } from './mask-to-data-url.js';
import { SegmentationInterpretation } from './segmentation-interpretation.js';
import { segmentationPalette } from './segmentation-palette.js';
import { segmentationTopLossesDefaults } from './segmentation-top-losses.js';

let document: Document;
beforeAll(async () => {
  await setupBackend('wasm');
  document = await createDocument();
});

// Three 4 x 4 "images" whose masks are a square of class 1 or 2 on background 0; the hand-set
// model predicts class 1 wherever the image is bright, so item 2 (class 2) is all wrong there.
const H = 4;
const square = (r0: number, c0: number, value: number) => {
  const a = new Float32Array(H * H);
  for (let r = r0; r < r0 + 2; r++) for (let c = c0; c < c0 + 2; c++) a[r * H + c] = value;
  return a;
};
const images = Float32Array.from([...square(0, 0, 1), ...square(1, 1, 1), ...square(2, 2, 1)]);
const masks = Int32Array.from([...square(0, 0, 1), ...square(1, 1, 1), ...square(2, 2, 2)]);
masks[H * H + 0] = 255; // one ignored pixel in item 1
const vocab = ['background', 'one', 'two'];
// logits per pixel: background 2 - 4v, one 4v - 1, two 0.
const model = (x: tf.Tensor) =>
  tf.tidy(() => tf.concat([tf.sub(2, tf.mul(4, x)), tf.sub(tf.mul(4, x), 1), tf.zerosLike(x)], -1));
const learner = (names = vocab) => {
  const dl = arrayDataLoader(
    { data: images, shape: [3, H, H, 1] },
    { data: masks, shape: [3, H, H] },
    { batchSize: 2 },
  );
  return learnerFromFunction(model, { dls: new DataLoaders(dl, dl), vocab: names });
};
const imagesOf = (el: Element) =>
  Array.from(el.querySelectorAll('image')).map((i) => i.getAttribute('href'));
/** Every line of text drawn: a multi-line caption's tspans one by one (not its tooltip title). */
const textsOf = (el: Element) =>
  Array.from(el.querySelectorAll('text')).flatMap((t) => {
    const spans = Array.from(t.querySelectorAll('tspan'));
    return spans.length > 0 ? spans.map((s) => s.textContent) : [t.textContent];
  });

describe('interp.plotTopLosses(k, { largest, figsize })', () => {
  it('has the expected defaults', () => {
    expect(segmentationTopLossesDefaults).toEqual({
      imageSize: 96,
      title: 'Input / Target / Predicted',
    });
  });

  it('draws one row per item: input, target mask, predicted mask, captioned with the loss (golden)', async () => {
    const interp = await SegmentationInterpretation.fromLearner(learner(), { ignoreIndex: 255 });
    const top = interp.topLosses(2);
    expect(Array.from(top.indices)).toEqual([2, 0]);
    const svg = await interp.plotTopLosses(2, { document });
    const hrefs = imagesOf(svg);
    expect(hrefs.length).toBe(6); // 3 images per row
    const palette = segmentationPalette(3);
    // Row 1 = item 2: its input image, then its masks in the palette.
    expect(hrefs[0]).toBe(imageToDataURL({ data: images.subarray(32, 48), shape: [H, H, 1] }));
    expect(hrefs[1]).toBe(maskToDataURL(interp.targetMask(2), palette));
    expect(hrefs[2]).toBe(maskToDataURL(interp.predictedMask(2), palette));
    expect(hrefs[5]).toBe(maskToDataURL(interp.predictedMask(0), palette));
    const texts = textsOf(svg);
    expect(texts).toContain('Input / Target / Predicted');
    expect(texts.join('|')).toContain(`#2|loss ${top.losses[0]!.toFixed(3)}`);
    // Item 2: its 4 "two" pixels are predicted "one", the other 12 right.
    expect(texts).toContain('acc 0.750');
    expect(texts).toContain('acc 1.000');
    // The legend: one entry per class, in order, in the palette's colors; no ignored pixel shown.
    const entries = Array.from(svg.querySelectorAll('g.legend-entry'));
    expect(entries.map((g) => g.textContent)).toEqual(vocab);
    expect(entries.map((g) => g.querySelector('rect')!.getAttribute('fill'))).toEqual(palette);
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/top-losses.svg',
    );
  });

  it('adds an "ignored" legend entry when a shown target has ignored pixels; largest: false', async () => {
    const interp = await SegmentationInterpretation.fromLearner(learner(), { ignoreIndex: 255 });
    const svg = await interp.plotTopLosses(1, { largest: false, document });
    // Item 1 has the smallest loss (its one ignored pixel is predicted right by luck, but counts nowhere).
    expect(textsOf(svg)).toContain('#1');
    const ignored = svg.querySelector('g.legend-ignored');
    expect(ignored?.textContent).toBe('ignored (255)');
    expect(ignored?.querySelector('rect')?.getAttribute('fill')).toBe('#ffffff');
    expect(svg.querySelectorAll('g.legend-entry').length).toBe(4);
  });

  it('escapes class names in the legend', async () => {
    const xss = '<script>alert(1)</script>';
    const interp = await SegmentationInterpretation.fromLearner(learner(['bg', xss, 'a&b']), {
      ignoreIndex: 255,
    });
    const s = toSVGString(await interp.plotTopLosses(1, { document }));
    expect(s).not.toContain('<script');
    expect(s).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(s).toContain('a&amp;b');
  });

  it('figsize sets the whole figure; without inputs or a loader only the two masks are drawn (golden)', async () => {
    const interp = SegmentationInterpretation.fromPredictions({
      decoded: { data: new Uint8Array(masks.length), shape: [3, H, H] },
      targs: { data: masks, shape: [3, H, H] },
      vocab,
      ignoreIndex: 255,
    });
    const svg = await interp.plotTopLosses([2, 1], { figsize: [4, 5], document });
    expect(svg.getAttribute('width')).toBe('288');
    expect(svg.getAttribute('height')).toBe('360');
    expect(imagesOf(svg).length).toBe(4); // 2 per row
    expect(textsOf(svg)).toContain('#2 target');
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/top-losses-masks-only.svg',
    );
  });

  it('rejects a short palette, k = 0 and a figsize too small, with InterpErrors', async () => {
    const interp = await SegmentationInterpretation.fromLearner(learner(), { ignoreIndex: 255 });
    await expect(interp.plotTopLosses(1, { palette: ['#000'], document } as never)).rejects.toThrow(
      /palette has 1 colors for 3 classes/,
    );
    await expect(
      interp.plotTopLosses(1, { palette: ['#000', 'red', '#fff'], document } as never),
    ).rejects.toThrow(/palette\[1\] = "red" is not a hex color/);
    await expect(interp.plotTopLosses(0, { document })).rejects.toThrow(InterpError);
    await expect(interp.plotTopLosses(4, { document })).rejects.toThrow(
      /k = 4 is larger than the 3 items/,
    );
    await expect(interp.plotTopLosses(1, { figsize: [1, 0.5], document })).rejects.toThrow(
      /figsize/,
    );
  });

  it('leaks no tensors', async () => {
    await expectNoLeakedTensors(async () => {
      const interp = await SegmentationInterpretation.fromLearner(learner(), { ignoreIndex: 255 });
      await interp.plotTopLosses(3, { document });
    });
  });
});
