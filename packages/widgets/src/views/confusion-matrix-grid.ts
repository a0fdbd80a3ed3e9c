import { colormap, contrastingTextColor } from '@interp/viz/image';

import { h } from '../internal/dom.js';
import { keyboardGrid } from '../internal/keyboard-grid.js';

/** Options of {@link confusionMatrixGrid}. */
export interface ConfusionMatrixGridOptions {
  /** C x C counts, rows actual, columns predicted. */
  matrix: readonly (readonly number[])[];
  names: readonly string[];
  /** A viz colormap name for the cells. */
  cmap: string;
  /** A cell was clicked or activated with Enter/Space. */
  onSelect(actual: number, predicted: number): void;
}

/** The drawn grid: its element and a way to mark the selected cell. */
export interface ConfusionMatrixGrid {
  element: HTMLElement;
  /** Marks `cell` (or none) as selected with aria-selected. */
  markSelected(cell: { actual: number; predicted: number } | undefined): void;
}

/**
 * The confusion matrix as a heatmap table with the ARIA grid role: labelled cells, one tab stop,
 * arrows and Home/End move, Enter/Space and clicks select a cell.
 */
export function confusionMatrixGrid(
  doc: Document,
  { matrix, names, cmap, onSelect }: ConfusionMatrixGridOptions,
): ConfusionMatrixGrid {
  const c = names.length;
  let max = 0;
  for (const row of matrix) for (const v of row) max = Math.max(max, v);
  const color = colormap(cmap);
  const table = h(doc, 'table', {
    class: 'iw-cm',
    attrs: {
      role: 'grid',
      'aria-label': 'Confusion matrix: rows are actual classes, columns predicted classes',
      'aria-rowcount': c + 1,
      'aria-colcount': c + 1,
    },
  });
  table.append(h(doc, 'caption', { text: 'Confusion matrix (rows actual, columns predicted)' }));
  const head = h(doc, 'tr', { attrs: { role: 'row' } }, [
    h(doc, 'th', { attrs: { scope: 'col', role: 'columnheader' }, text: 'Actual \\ Predicted' }),
  ]);
  for (let j = 0; j < c; j++) {
    head.append(
      h(doc, 'th', {
        attrs: { scope: 'col', role: 'columnheader', title: names[j] },
        text: names[j],
      }),
    );
  }
  table.append(h(doc, 'thead', {}, [head]));
  const tbody = h(doc, 'tbody');
  const cells: HTMLElement[] = [];
  for (let i = 0; i < c; i++) {
    const tr = h(doc, 'tr', { attrs: { role: 'row' } }, [
      h(doc, 'th', {
        attrs: { scope: 'row', role: 'rowheader', title: names[i] },
        text: names[i],
      }),
    ]);
    for (let j = 0; j < c; j++) {
      const v = matrix[i]![j]!;
      const bg = color(max === 0 ? 0 : v / max);
      const td = h(doc, 'td', {
        attrs: {
          role: 'gridcell',
          tabindex: i === 0 && j === 0 ? 0 : -1,
          'aria-selected': 'false',
          'aria-label': `Actual ${names[i]}, predicted ${names[j]}: ${v} item${v === 1 ? '' : 's'}`,
          'data-actual': i,
          'data-predicted': j,
        },
        text: String(v),
      });
      td.style.backgroundColor = bg;
      td.style.color = contrastingTextColor(bg) === 'black' ? '#000000' : '#ffffff';
      tr.append(td);
      cells.push(td);
    }
    tbody.append(tr);
  }
  table.append(tbody);
  keyboardGrid(table, {
    selector: 'td[data-actual]',
    cols: c,
    mode: 'grid',
    onActivate: (td) => onSelect(Number(td.dataset.actual), Number(td.dataset.predicted)),
  });
  return {
    element: h(doc, 'div', { class: 'iw-matrix' }, [table]),
    markSelected(sel) {
      for (const cell of cells) {
        const on =
          sel !== undefined &&
          Number(cell.dataset.actual) === sel.actual &&
          Number(cell.dataset.predicted) === sel.predicted;
        cell.setAttribute('aria-selected', String(on));
      }
    },
  };
}
