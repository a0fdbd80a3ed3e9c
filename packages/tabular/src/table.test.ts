import { describe, expect, it } from 'vitest';
import { Table, tableDefaults } from './table.js';
import { interpErrorOfSync } from './test-helpers.js';

describe('Table', () => {
  it('has the expected defaults', () => {
    expect(tableDefaults.naValues).toEqual([
      '',
      'NA',
      'N/A',
      'NaN',
      'nan',
      'null',
      'NULL',
      'None',
      '#N/A',
    ]);
  });

  it('Table.fromRecords infers numeric and text columns; null, undefined, NaN and "" are missing', () => {
    const t = Table.fromRecords([
      { island: 'Biscoe', mass: 3750, male: true },
      { island: '', mass: null, male: false, extra: 1 },
      { island: 'Dream', mass: Number.NaN },
    ]);
    expect(t.names).toEqual(['island', 'mass', 'male', 'extra']);
    expect(t.nRows).toBe(3);
    expect(t.column('island')).toEqual({ type: 'string', values: ['Biscoe', null, 'Dream'] });
    const mass = t.column('mass');
    expect(mass.type).toBe('number');
    expect(Array.from(mass.values as Float64Array)).toEqual([3750, Number.NaN, Number.NaN]);
    // Booleans are categories.
    expect(t.column('male')).toEqual({ type: 'string', values: ['true', 'false', null] });
    expect(Array.from(t.column('extra').values as Float64Array)).toEqual([
      Number.NaN,
      1,
      Number.NaN,
    ]);
    expect(t.row(1)).toEqual({ island: null, mass: null, male: 'false', extra: 1 });
  });

  it('Table.fromColumns takes plain and typed arrays; a column mixing numbers and text is text', () => {
    const t = Table.fromColumns({ a: Float32Array.of(1.5, 2), b: [1, 'x'] });
    expect(Array.from(t.column('a').values as Float64Array)).toEqual([1.5, 2]);
    expect(t.column('b')).toEqual({ type: 'string', values: ['1', 'x'] });
  });

  it('Table.fromCSV detects numeric columns and reads NA cells as missing', () => {
    const t = Table.fromCSV(
      'species,bill,sex,code\r\nAdelie,39.1,MALE,007\r\nGentoo,NA,,1e2\r\n"Chin, strap",-.5,FEMALE,NaN\r\n',
    );
    expect(t.names).toEqual(['species', 'bill', 'sex', 'code']);
    expect(t.column('species').values).toEqual(['Adelie', 'Gentoo', 'Chin, strap']);
    expect(Array.from(t.column('bill').values as Float64Array)).toEqual([39.1, Number.NaN, -0.5]);
    expect(t.column('sex').values).toEqual(['MALE', null, 'FEMALE']);
    expect(Array.from(t.column('code').values as Float64Array)).toEqual([7, 100, Number.NaN]);
    // A column of only missing cells has no numbers: text.
    expect(Table.fromCSV('a\nNA\n').column('a')).toEqual({ type: 'string', values: [null] });
    expect(Table.fromCSV('a\n1\n-\n', { naValues: ['-'] }).column('a').type).toBe('number');
  });

  it('take(indices) and row(i) select rows', () => {
    const t = Table.fromColumns({ x: [1, 2, 3], s: ['a', 'b', null] });
    const u = t.take([2, 0]);
    expect(u.nRows).toBe(2);
    expect(u.row(0)).toEqual({ x: 3, s: null });
    expect(u.row(1)).toEqual({ x: 1, s: 'a' });
  });

  it('rejects ragged or malformed input with messages that say what to fix', () => {
    expect(interpErrorOfSync(() => Table.fromColumns({ a: [1, 2], b: [1] })).message).toMatch(
      /column "b" has 1 values but the first column has 2/,
    );
    expect(interpErrorOfSync(() => Table.fromCSV('a,b\n1\n')).message).toMatch(
      /CSV record 2 has 1 fields but the header has 2/,
    );
    expect(interpErrorOfSync(() => Table.fromCSV('a,a\n1,2')).message).toMatch(/"a" twice/);
    expect(interpErrorOfSync(() => Table.fromCSV('')).code).toBe('EMPTY_INPUT');
    expect(interpErrorOfSync(() => Table.fromRecords([{ a: 1 }, 5 as never])).message).toMatch(
      /record 1 is 5/,
    );
    expect(interpErrorOfSync(() => Table.fromRecords([{ a: { b: 1 } as never }])).message).toMatch(
      /cells must be strings, numbers, booleans or null/,
    );
    const t = Table.fromColumns({ x: [1] });
    expect(interpErrorOfSync(() => t.column('y')).message).toMatch(
      /no column "y"; the table has "x"/,
    );
    expect(interpErrorOfSync(() => t.row(1)).code).toBe('K_OUT_OF_RANGE');
    expect(interpErrorOfSync(() => t.take([0, 5])).message).toMatch(/row index 5/);
  });
});
