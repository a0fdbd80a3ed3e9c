import type { Table } from '@interp/tabular';

/** An uploaded table split for a model: numeric features, class ids of the target, class names. */
export interface UploadedTable {
  features: string[];
  /** N x F features, row-major (missing cells as null, as data.json sends them). */
  x: (number | null)[];
  targets: number[];
  vocab: string[];
}

/**
 * The rows of a CSV (header row first) with `target` as the class column: text targets become
 * ids into their sorted names, whole-number targets are ids as they are. Throws an Error naming
 * the column that is not numeric or missing.
 */
export function splitTable(table: Table, target: string): UploadedTable {
  if (!table.has(target)) {
    throw new Error(`the table has no column ${target}; its columns are ${table.names.join(', ')}`);
  }
  const features = table.names.filter((n) => n !== target);
  if (features.length === 0) throw new Error('the table needs a feature column besides the target');
  const columns = features.map((name) => {
    const c = table.column(name);
    if (c.type !== 'number') {
      throw new Error(`column ${name} is not numeric: encode text features as numbers first`);
    }
    return c.values;
  });
  const x: (number | null)[] = [];
  for (let i = 0; i < table.nRows; i++) {
    for (const v of columns) x.push(Number.isNaN(v[i]!) ? null : v[i]!);
  }
  const t = table.column(target);
  const names = Array.from(t.values as ArrayLike<string | number | null>, (v) => String(v));
  const ids = names.map(Number);
  const numeric = t.type === 'number' && ids.every((v) => Number.isInteger(v) && v >= 0);
  const vocab = numeric
    ? Array.from({ length: Math.max(...ids) + 1 }, (_, k) => String(k))
    : [...new Set(names)].sort();
  const targets = numeric ? ids : names.map((n) => vocab.indexOf(n));
  return { features, x, targets, vocab };
}

/**
 * A target-column menu (the last column first selected) at the top of `out`; `show` runs on the choice and
 * on every change.
 */
export function targetColumnPicker(
  table: Table,
  out: HTMLElement,
  show: (target: string) => Promise<void>,
): HTMLSelectElement {
  const label = document.createElement('label');
  label.textContent = 'Target column ';
  const select = document.createElement('select');
  select.id = 'target-column';
  select.name = 'target-column';
  for (const n of table.names) {
    const o = document.createElement('option');
    o.value = n;
    o.textContent = n;
    select.append(o);
  }
  select.value = table.names.at(-1)!;
  label.append(select);
  out.prepend(label);
  select.addEventListener('change', () => void show(select.value));
  void show(select.value);
  return select;
}
