import { colormap, contrastingTextColor } from '@interp/viz/image';

import { h } from '../internal/dom.js';
import { keyboardGrid } from '../internal/keyboard-grid.js';

/** Options of {@link confusionMatrixGrid}. */
export interface ConfusionMatrixGridOptions {
  /** C x C counts, rows actual, columns predicted. */
  matrix: readonly (readonly number[])[];
  names: readonly string[];
  /** A viz colormap name for the diagonal (correct) cells. */
  cmap: string;
  /** A viz colormap name for the off-diagonal (error) cells. */
  errorCmap: string;
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
 * Shade in [0, 1] of each cell. The diagonal and the errors are scaled separately: correct counts
 * dwarf the errors (a 95%-accurate model's largest error is a few percent of its diagonal), so
 * one linear scale leaves every error cell white. Correct cells go linearly to the largest
 * diagonal count; error cells by the square root of their share of the largest error, so an
 * error seen once is still visibly tinted.
 *
 * @example
 * ```ts
 * cellShades([[90, 1], [4, 80]]); // [[1, 0.5], [1, 0.889]]
 * ```
 */
export function cellShades(matrix: readonly (readonly number[])[]): number[][] {
  let maxDiag = 0;
  let maxOff = 0;
  matrix.forEach((row, i) => {
    row.forEach((v, j) => {
      if (i === j) maxDiag = Math.max(maxDiag, v);
      else maxOff = Math.max(maxOff, v);
    });
  });
  return matrix.map((row, i) =>
    row.map((v, j) => {
      const max = i === j ? maxDiag : maxOff;
      if (max === 0) return 0;
      return i === j ? v / max : Math.sqrt(v / max);
    }),
  );
}

/**
 * The confusion matrix as a heatmap table with the ARIA grid role: labelled cells, one tab stop,
 * arrows and Home/End move, Enter/Space and clicks select a cell. Correct cells are shaded in
 * `cmap`, errors in `errorCmap` ({@link cellShades}).
 */
export function confusionMatrixGrid(
  doc: Document,
  { matrix, names, cmap, errorCmap, onSelect }: ConfusionMatrixGridOptions,
): ConfusionMatrixGrid {
  const c = names.length;
  const shades = cellShades(matrix);
  const color = colormap(cmap);
  const errorColor = colormap(errorCmap);
  const table = h(doc, 'table', {
    class: 'iw-cm',
    attrs: {
      role: 'grid',
      'aria-label': 'Confusion matrix: rows are actual classes, columns predicted classes',
      'aria-rowcount': c + 1,
      'aria-colcount': c + 1,
    },
  });
  table.append(
    h(doc, 'caption', {
      text: 'Confusion matrix (rows actual, columns predicted; correct counts and errors shaded on separate scales)',
    }),
  );
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
      const bg = i === j ? color(shades[i]![j]!) : errorColor(shades[i]![j]!);
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
