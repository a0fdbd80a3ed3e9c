import { InterpError } from '@interp/core/base';
import { describe } from '@interp/core/internal';
import { optionalText } from './internal/plot-parts.js';
import { resolveDocument } from './resolve-document.js';
import type { DocumentOption } from './types.js';

/** Options of {@link dataTable}. */
export interface DataTableOptions extends DocumentOption {
  /**
   * For object rows, the keys to show in display order (default every key in order of first
   * appearance). For array rows, one header text per position (default '0', '1', ...).
   */
  columns?: readonly string[];
  /** Header text per column key; default the key itself. */
  headers?: Readonly<Record<string, string>>;
  /** Caption of the table; null or undefined for none. */
  title?: string | null;
  /** Text of one cell; the default prints integers as they are and other numbers with `digits` decimals. */
  format?: (value: unknown, column: string, row: number) => string;
  /** Decimals of non-integer numbers in the default format. */
  digits?: number;
}

/**
 * An HTML `<table>` from rows of objects or arrays, for tabular top losses and reports. Every cell
 * is set with textContent, so values are shown as text and never parsed as markup. Numeric
 * columns are right-aligned.
 *
 * @example
 * ```ts
 * const table = dataTable([{ name: 'cat', loss: 2.3 }], { title: 'Top losses', document });
 * ```
 */
export function dataTable(
  rows: readonly Record<string, unknown>[] | readonly (readonly unknown[])[],
  { columns, headers = {}, title, format, digits = 4, document }: DataTableOptions = {},
): HTMLTableElement {
  const doc = resolveDocument({ document });
  if (!Array.isArray(rows)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `dataTable expects an array of rows (objects or arrays), got ${describe(rows)}`,
    );
  }
  const caption = optionalText(title, 'title');
  if (!Number.isInteger(digits) || digits < 0 || digits > 20) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid digits: ${describe(digits)}; expected an integer in [0, 20]`,
    );
  }
  const fmt = format ?? ((value: unknown) => defaultFormat(value, digits));
  const arrays = rows.length > 0 && Array.isArray(rows[0]);
  rows.forEach((row, r) => {
    if (row == null || typeof row !== 'object' || Array.isArray(row) !== arrays) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `dataTable: row ${r} is ${describe(row)}; every row must be ${arrays ? 'an array' : 'an object'} like row 0`,
      );
    }
  });
  let keys: string[];
  let cellValue: (row: unknown, c: number) => unknown;
  if (arrays) {
    const width = Math.max(0, ...(rows as unknown[][]).map((r) => r.length));
    keys = columns ? columns.map(String) : Array.from({ length: width }, (_, i) => String(i));
    if (keys.length !== width) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `dataTable: ${keys.length} columns given but the longest row has ${width} values; pass one column name per value`,
      );
    }
    cellValue = (row, c) => (row as unknown[])[c];
  } else {
    keys = columns ? columns.map(String) : inferColumns(rows);
    cellValue = (row, c) => (row as Record<string, unknown>)[keys[c]!];
  }

  const table = doc.createElement('table');
  table.setAttribute('class', 'interp-table');
  if (caption !== null) {
    const el = doc.createElement('caption');
    el.textContent = caption;
    table.appendChild(el);
  }
  const numeric = keys.map(
    (_, c) => rows.length > 0 && rows.every((row) => typeof cellValue(row, c) === 'number'),
  );
  const thead = doc.createElement('thead');
  const headRow = doc.createElement('tr');
  keys.forEach((key, c) => {
    const th = doc.createElement('th');
    th.textContent = headers[key] ?? key;
    if (numeric[c]) th.setAttribute('style', 'text-align: right');
    headRow.appendChild(th);
  });
  thead.appendChild(headRow);
  table.appendChild(thead);
  const tbody = doc.createElement('tbody');
  rows.forEach((row, r) => {
    const tr = doc.createElement('tr');
    keys.forEach((key, c) => {
      const td = doc.createElement('td');
      td.textContent = String(fmt(cellValue(row, c), key, r));
      if (numeric[c]) td.setAttribute('style', 'text-align: right');
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
  });
  table.appendChild(tbody);
  return table;
}

function inferColumns(rows: readonly unknown[]): string[] {
  const seen = new Set<string>();
  for (const row of rows as Record<string, unknown>[])
    for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

function defaultFormat(value: unknown, digits: number): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number')
    return Number.isInteger(value) ? String(value) : value.toFixed(digits);
  return String(value);
}
