import { h } from '../internal/dom.js';
import { selectValue } from '../internal/form-controls.js';
import { statusRegion } from '../internal/widget-shell.js';
import type { SegmentationOrder } from '../state/segmentation-state.js';

/** The segmentation widget's elements the widget updates. */
export interface SegmentationParts {
  root: HTMLElement;
  counter: HTMLElement;
  order: HTMLSelectElement;
  slider: HTMLInputElement;
  sliderValue: HTMLElement;
  status: HTMLElement;
  panels: HTMLElement;
  legend: HTMLElement;
  iouBody: HTMLElement;
  iouFoot: HTMLElement;
}

/** What {@link segmentationLayout} draws and where user actions go. */
export interface SegmentationLayoutOptions {
  opacity: number;
  onPrevious(): void;
  onNext(): void;
  onOrder(order: SegmentationOrder): void;
  onOpacity(opacity: number): void;
}

/**
 * Draws the segmentation widget's fixed parts into `root`: Previous/Next, the order menu, the
 * opacity slider, the live region, the image panels (left and right arrow keys browse), the
 * legend and the per-class IoU table.
 */
export function segmentationLayout(
  doc: Document,
  root: HTMLElement,
  id: string,
  o: SegmentationLayoutOptions,
): SegmentationParts {
  const prev = h(doc, 'button', {
    attrs: { type: 'button', 'aria-label': 'Previous image' },
    text: '← Previous',
  });
  const next = h(doc, 'button', {
    attrs: { type: 'button', 'aria-label': 'Next image' },
    text: 'Next →',
  });
  prev.addEventListener('click', () => o.onPrevious());
  next.addEventListener('click', () => o.onNext());
  const counter = h(doc, 'span', { attrs: { id: `${id}-counter` } });
  const order = h(doc, 'select', { attrs: { id: `${id}-order`, name: 'order' } }, [
    h(doc, 'option', { attrs: { value: 'loss' }, text: 'Largest loss first' }),
    h(doc, 'option', { attrs: { value: 'index' }, text: 'Dataset order' }),
  ]);
  order.addEventListener('change', () => o.onOrder(selectValue(order) as SegmentationOrder));
  const slider = h(doc, 'input', {
    attrs: {
      id: `${id}-opacity`,
      type: 'range',
      min: 0,
      max: 1,
      step: 0.05,
      value: o.opacity,
      name: 'opacity',
    },
  });
  const sliderValue = h(doc, 'output', {
    attrs: { for: `${id}-opacity` },
    text: `${Math.round(o.opacity * 100)}%`,
  });
  slider.addEventListener('input', () => o.onOpacity(Number(slider.value)));
  root.append(
    h(doc, 'div', { class: 'iw-controls', attrs: { role: 'group', 'aria-label': 'Browse' } }, [
      prev,
      counter,
      next,
      h(doc, 'label', { attrs: { for: `${id}-order` }, text: 'Order' }),
      order,
      h(doc, 'label', { attrs: { for: `${id}-opacity` }, text: 'Mask opacity' }),
      slider,
      sliderValue,
    ]),
  );
  const status = statusRegion(doc);
  const panels = h(doc, 'div', {
    class: 'iw-panels',
    attrs: { tabindex: 0, role: 'group', 'aria-roledescription': 'image viewer' },
  });
  panels.addEventListener('keydown', (e) => {
    const key = (e as KeyboardEvent).key;
    if (key === 'ArrowRight' || key === 'ArrowLeft') {
      e.preventDefault();
      if (key === 'ArrowRight') o.onNext();
      else o.onPrevious();
    }
  });
  const legend = h(doc, 'ul', {
    class: 'iw-legend',
    attrs: { 'aria-label': 'Classes in this image' },
  });
  const iouTable = h(doc, 'table', { class: 'iw-iou' });
  iouTable.append(h(doc, 'caption', { text: 'Intersection over union per class' }));
  iouTable.append(
    h(doc, 'thead', {}, [
      h(doc, 'tr', {}, [
        h(doc, 'th', { attrs: { scope: 'col' }, text: 'Class' }),
        h(doc, 'th', { attrs: { scope: 'col' }, text: 'This image' }),
        h(doc, 'th', { attrs: { scope: 'col' }, text: 'All images' }),
      ]),
    ]),
  );
  const iouBody = h(doc, 'tbody');
  const iouFoot = h(doc, 'tfoot');
  iouTable.append(iouBody, iouFoot);
  root.append(
    status,
    h(doc, 'div', { class: 'iw-body' }, [h(doc, 'div', {}, [panels, legend]), iouTable]),
  );
  return { root, counter, order, slider, sliderValue, status, panels, legend, iouBody, iouFoot };
}
