import type { DecodedItem } from '@interp/core';
import { imageToDataURL } from '@interp/viz/image';
import { className, clear, fmt, h } from '../internal/dom.js';
import type { MaskGeometry } from '../state/mask-geometry.js';
import type { SegmentationScores } from '../state/segmentation-scores.js';
import type { SegmentationParts } from './segmentation-layout.js';

/** One image's worth of what the segmentation widget draws. */
export interface SegmentationImage {
  /** Item index in the dataset and position in the browsing order. */
  index: number;
  position: number;
  /** The decoded input, when there is one (masks alone are drawn otherwise). */
  item: DecodedItem | undefined;
  target: ArrayLike<number>;
  predicted: ArrayLike<number>;
  loss: number | undefined;
  mine: SegmentationScores;
  all: SegmentationScores;
}

/** How to draw: sizes, class names and colours, opacity. */
export interface SegmentationDrawing {
  geometry: MaskGeometry;
  names: readonly string[];
  /** RGB per class. */
  palette: readonly (readonly [number, number, number])[];
  /** The class drawn transparent, or null. */
  backgroundIndex: number | null;
  opacity: number;
  /** Displayed panel width in px. */
  panelSize: number;
}

/** A class mask as a PNG data URL in the palette; background and unknown labels transparent. */
export function maskDataURL(mask: ArrayLike<number>, d: SegmentationDrawing): string {
  const g = d.geometry;
  const rgba = new Uint8Array(g.pixels * 4);
  for (let p = 0; p < g.pixels; p++) {
    const k = mask[p]!;
    const color = d.palette[k];
    // Background and ignored pixels stay transparent: the image shows through.
    if (k === d.backgroundIndex || !color) continue;
    rgba[p * 4] = color[0];
    rgba[p * 4 + 1] = color[1];
    rgba[p * 4 + 2] = color[2];
    rgba[p * 4 + 3] = 255;
  }
  return imageToDataURL({ data: rgba, shape: [g.height, g.width, 4] });
}

/** Colour of the error-mask panel's wrong pixels (red: reads as "wrong" over any image). */
const ERROR_RGB = [214, 39, 40] as const;

/**
 * Where prediction and target differ, as a PNG data URL: wrong pixels red, right and ignored
 * (target = ignoreIndex) pixels transparent. Also returns how many pixels are wrong.
 */
export function errorMaskDataURL(
  target: ArrayLike<number>,
  predicted: ArrayLike<number>,
  g: MaskGeometry,
): { url: string; wrong: number } {
  const rgba = new Uint8Array(g.pixels * 4);
  let wrong = 0;
  for (let p = 0; p < g.pixels; p++) {
    if (target[p] === g.ignoreIndex || target[p] === predicted[p]) continue;
    rgba.set([...ERROR_RGB, 255], p * 4);
    wrong++;
  }
  return { url: imageToDataURL({ data: rgba, shape: [g.height, g.width, 4] }), wrong };
}

/**
 * Draws one image into the widget's parts: the image, target and predicted mask panels, the
 * legend of the classes present, the per-class IoU table (this image and all images), the
 * counter and the announcement.
 */
export function drawSegmentationImage(
  doc: Document,
  p: SegmentationParts,
  img: SegmentationImage,
  d: SegmentationDrawing,
): void {
  const g = d.geometry;
  const { index, item, target, predicted, mine, all } = img;
  p.counter.textContent = `Image ${img.position + 1} of ${g.n} (item ${index})`;
  const base =
    item?.kind === 'image' && item.shape[0] === g.height && item.shape[1] === g.width
      ? imageToDataURL(item)
      : undefined;
  const px = d.panelSize;
  const height = Math.round((px * g.height) / g.width);
  // The error panel is not faded with the class masks: its red marks are the point of it.
  const panel = (label: string, maskURL: string | undefined, fade = true) => {
    const stack = h(doc, 'div', { class: 'iw-stack' });
    stack.style.width = `${px}px`;
    if (base) {
      stack.append(
        h(doc, 'img', { class: 'iw-px', attrs: { src: base, alt: '', width: px, height } }),
      );
    }
    if (maskURL) {
      const m = h(doc, 'img', {
        class: !base ? 'iw-px' : fade ? 'iw-px iw-mask' : 'iw-px iw-error-mask',
        attrs: { src: maskURL, alt: '', width: px, height },
      });
      if (base && fade) m.style.opacity = String(d.opacity);
      stack.append(m);
    }
    return h(doc, 'figure', { attrs: { 'aria-label': `${label}, item ${index}` } }, [
      stack,
      h(doc, 'figcaption', { text: label }),
    ]);
  };
  const errors = errorMaskDataURL(target, predicted, g);
  clear(p.panels);
  p.panels.append(
    panel('Image', undefined),
    panel('Target mask', maskDataURL(target, d)),
    panel('Predicted mask', maskDataURL(predicted, d)),
    panel(`Errors (${errors.wrong} px)`, errors.url, false),
  );
  p.panels.lastElementChild!.classList.add('iw-errors');
  p.panels.setAttribute(
    'aria-label',
    `Item ${index}: image, target mask, predicted mask and the ${errors.wrong} pixels predicted wrong. Left and right arrow keys browse images.`,
  );

  const present = new Set<number>();
  for (let k = 0; k < target.length; k++) {
    if (target[k] === g.ignoreIndex) continue;
    present.add(target[k]!).add(predicted[k]!);
  }
  clear(p.legend);
  for (const k of [...present].sort((x, y) => x - y)) {
    const [r, gr, b] = d.palette[k] ?? [0, 0, 0];
    const swatch = h(doc, 'span', { class: 'iw-swatch', attrs: { 'aria-hidden': 'true' } });
    // The real colour, also for the background (its pixels are left undrawn over the image).
    swatch.style.background = `rgb(${r}, ${gr}, ${b})`;
    const li = h(doc, 'li', {}, [swatch, doc.createTextNode(className(d.names, k))]);
    if (k === d.backgroundIndex) li.setAttribute('title', 'Not drawn over the image');
    p.legend.append(li);
  }

  clear(p.iouBody);
  for (let k = 0; k < g.numClasses; k++) {
    p.iouBody.append(
      h(doc, 'tr', {}, [
        h(doc, 'th', { attrs: { scope: 'row' }, text: className(d.names, k) }),
        iouCell(doc, mine.iou[k]!),
        iouCell(doc, all.iou[k]!),
      ]),
    );
  }
  clear(p.iouFoot);
  p.iouFoot.append(
    h(doc, 'tr', {}, [
      h(doc, 'th', { attrs: { scope: 'row' }, text: 'Mean IoU' }),
      iouCell(doc, mine.meanIoU),
      iouCell(doc, all.meanIoU),
    ]),
    h(doc, 'tr', {}, [
      h(doc, 'th', { attrs: { scope: 'row' }, text: 'Pixel accuracy' }),
      iouCell(doc, mine.pixelAccuracy),
      iouCell(doc, all.pixelAccuracy),
    ]),
  );
  const loss = img.loss;
  p.status.textContent = `Image ${img.position + 1} of ${g.n} (item ${index}): mean IoU ${fmt(mine.meanIoU)}, pixel accuracy ${fmt(100 * mine.pixelAccuracy, 1)}%${loss === undefined ? '' : `, loss ${fmt(loss, 3)}`}.`;
}

function iouCell(doc: Document, v: number): HTMLElement {
  return Number.isNaN(v)
    ? h(doc, 'td', { attrs: { 'aria-label': 'absent' }, text: '—' })
    : h(doc, 'td', { text: v.toFixed(3) });
}
