import { beforeAll, describe, expect, it } from 'vitest';
import { createDocument } from './create-document.js';
import { dataTable } from './data-table.js';
import { interpErrorOf } from './test-helpers.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

const cells = (table: Element, selector: string) =>
  Array.from(table.querySelectorAll(selector)).map((c) => c.textContent);

describe('dataTable(rows, options)', () => {
  it('builds a table from objects: header from the keys in order of first appearance', () => {
    const table = dataTable(
      [
        { item: 3, actual: 'cat', loss: 2.5 },
        { item: 7, actual: 'dog', loss: 1.25, note: 'x' },
      ],
      { title: 'Top losses', document },
    );
    expect(table.localName).toBe('table');
    expect(cells(table, 'caption')).toEqual(['Top losses']);
    expect(cells(table, 'th')).toEqual(['item', 'actual', 'loss', 'note']);
    expect(cells(table, 'tbody tr:nth-child(1) td')).toEqual(['3', 'cat', '2.5000', '']);
    expect(cells(table, 'tbody tr:nth-child(2) td')).toEqual(['7', 'dog', '1.2500', 'x']);
  });

  it('builds a table from arrays with columns as header texts', () => {
    const table = dataTable(
      [
        [1, 'a'],
        [2, 'b'],
      ],
      { columns: ['n', 'name'], document },
    );
    expect(cells(table, 'th')).toEqual(['n', 'name']);
    expect(cells(table, 'td')).toEqual(['1', 'a', '2', 'b']);
  });

  it('selects and renames object columns with columns and headers', () => {
    const table = dataTable([{ a: 1, b: 2, c: 3 }], {
      columns: ['c', 'a'],
      headers: { c: 'C!' },
      document,
    });
    expect(cells(table, 'th')).toEqual(['C!', 'a']);
    expect(cells(table, 'td')).toEqual(['3', '1']);
  });

  it('sets every cell as text: markup in values and headers is shown, never parsed', () => {
    const xss = '<img src=x onerror=alert(1)>';
    const table = dataTable([{ [xss]: xss }], { title: xss, document });
    expect(table.querySelector('img')).toBeNull();
    expect(cells(table, 'td')).toEqual([xss]);
    expect(table.outerHTML).not.toContain('<img');
  });

  it('uses format for every cell and right-aligns numeric columns', () => {
    const table = dataTable([{ p: 0.5, name: 'a' }], {
      format: (v, column, row) => `${column}${row}=${String(v)}`,
      document,
    });
    expect(cells(table, 'td')).toEqual(['p0=0.5', 'name0=a']);
    const [p, name] = Array.from(table.querySelectorAll('td'));
    expect(p!.getAttribute('style')).toBe('text-align: right');
    expect(name!.getAttribute('style')).toBeNull();
  });

  it('has the expected defaults: 4 decimals for non-integers, integers as they are, empty for null', () => {
    const table = dataTable([{ a: 1 / 3, b: 10, c: null }], { document });
    expect(cells(table, 'td')).toEqual(['0.3333', '10', '']);
    expect(cells(dataTable([{ a: 1 / 3 }], { digits: 1, document }), 'td')).toEqual(['0.3']);
  });

  it('throws InterpError on bad input', () => {
    expect(interpErrorOf(() => dataTable('x' as never, { document }), 'INVALID_ARGUMENT')).toMatch(
      /expects an array of rows/,
    );
    expect(
      interpErrorOf(() => dataTable([{ a: 1 }, [1]] as never, { document }), 'INVALID_ARGUMENT'),
    ).toMatch(/row 1 is .*every row must be an object like row 0/);
    expect(
      interpErrorOf(() => dataTable([[1, 2]], { columns: ['a'], document }), 'SHAPE_MISMATCH'),
    ).toMatch(/1 columns given but the longest row has 2 values/);
    expect(interpErrorOf(() => dataTable([], { digits: -1, document }), 'INVALID_OPTION')).toMatch(
      /invalid digits/,
    );
    expect(interpErrorOf(() => dataTable([]), 'INVALID_OPTION')).toMatch(/no document/);
  });
});
