import type { DecodedItem } from '@interp/core';
import { imageToDataURL } from '@interp/viz/image';
import { className, fmt, h } from '../internal/dom.js';

/** What the detail view reads of an item's scores. */
export interface ItemScores {
  readonly preds?:
    | { readonly data: ArrayLike<number>; readonly shape: readonly number[] }
    | undefined;
}

/** The `k` most probable classes of item `i` (ties to the lower class), when scores are known. */
export function topProbabilities(interp: ItemScores, i: number, k: number): [number, number][] {
  if (!interp.preds) return [];
  const c = interp.preds.shape.at(-1)!;
  const data = interp.preds.data;
  const row = Array.from({ length: c }, (_, j) => [j, data[i * c + j]!] as [number, number]);
  row.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return row.slice(0, k);
}

/** An item as a figure: the image scaled up crisply, or a row/vector as a short table of values. */
export function itemFigure(
  doc: Document,
  item: DecodedItem,
  label: string,
  px: number,
): HTMLElement {
  if (item.kind === 'image') {
    return h(doc, 'figure', {}, [
      h(doc, 'img', {
        class: 'iw-px',
        attrs: { src: imageToDataURL(item), alt: label, width: px },
      }),
      h(doc, 'figcaption', { text: 'Input' }),
    ]);
  }
  const entries: [string, string][] =
    item.kind === 'tabular'
      ? Object.entries(item.row).map(([k, v]) => [k, v === null ? 'missing' : String(v)])
      : Array.from(item.data.subarray(0, 12), (v, j) => [`x${j}`, fmt(v, 3)]);
  const table = h(doc, 'table', { class: 'iw-iou', attrs: { 'aria-label': `${label} values` } });
  for (const [k, v] of entries) {
    table.append(
      h(doc, 'tr', {}, [
        h(doc, 'th', { attrs: { scope: 'row' }, text: k }),
        h(doc, 'td', { text: v }),
      ]),
    );
  }
  return h(doc, 'figure', {}, [table]);
}

/** An item's heading, its classes and loss, and its top three probabilities (when scores are known). */
export function itemSummary(
  doc: Document,
  interp: ItemScores & {
    classNames: readonly string[];
    targs: { data: ArrayLike<number> };
    decoded: { data: ArrayLike<number> };
    losses?: ArrayLike<number> | undefined;
  },
  index: number,
  headingId: string,
): HTMLElement[] {
  const names = interp.classNames;
  const actual = interp.targs.data[index]!;
  const predicted = interp.decoded.data[index]!;
  const out: HTMLElement[] = [
    h(doc, 'h3', { attrs: { id: headingId }, text: `Item ${index}` }),
    h(doc, 'p', {
      class: actual === predicted ? 'iw-right' : 'iw-wrong',
      text: `Predicted ${className(names, predicted)}, actual ${className(names, actual)}, loss ${fmt(interp.losses?.[index])}`,
    }),
  ];
  const probs = topProbabilities(interp, index, 3);
  if (probs.length) {
    const ul = h(doc, 'ul', { attrs: { 'aria-label': 'Top predicted probabilities' } });
    for (const [k, prob] of probs) {
      ul.append(h(doc, 'li', { text: `${className(names, k)}: ${fmt(prob, 3)}` }));
    }
    out.push(ul);
  }
  return out;
}

/** An attribution overlay (a PNG data URL) as a captioned figure. */
export function attributionFigure(
  doc: Document,
  url: string,
  caption: string,
  alt: string,
  px: number,
): HTMLElement {
  return h(doc, 'figure', { class: 'iw-attribution' }, [
    h(doc, 'img', { class: 'iw-px', attrs: { src: url, alt, width: px } }),
    h(doc, 'figcaption', { text: caption }),
  ]);
}
