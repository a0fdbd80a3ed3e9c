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
  const panel = (label: string, mask: ArrayLike<number> | undefined) => {
    const stack = h(doc, 'div', { class: 'iw-stack' });
    stack.style.width = `${px}px`;
    if (base) {
      stack.append(
        h(doc, 'img', { class: 'iw-px', attrs: { src: base, alt: '', width: px, height } }),
      );
    }
    if (mask) {
      const m = h(doc, 'img', {
        class: base ? 'iw-px iw-mask' : 'iw-px',
        attrs: { src: maskDataURL(mask, d), alt: '', width: px, height },
      });
      if (base) m.style.opacity = String(d.opacity);
      stack.append(m);
    }
    return h(doc, 'figure', { attrs: { 'aria-label': `${label}, item ${index}` } }, [
      stack,
      h(doc, 'figcaption', { text: label }),
    ]);
  };
  clear(p.panels);
  p.panels.append(
    panel('Image', undefined),
    panel('Target mask', target),
    panel('Predicted mask', predicted),
  );
  p.panels.setAttribute(
    'aria-label',
    `Item ${index}: image, target mask and predicted mask. Left and right arrow keys browse images.`,
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
    swatch.style.background = k === d.backgroundIndex ? 'transparent' : `rgb(${r}, ${gr}, ${b})`;
    p.legend.append(h(doc, 'li', {}, [swatch, doc.createTextNode(className(d.names, k))]));
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
