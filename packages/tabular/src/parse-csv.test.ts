import { describe, expect, it } from 'vitest';
import { parseCSV, parseCSVDefaults } from './parse-csv.js';
import { interpErrorOfSync } from './test-helpers.js';

describe('parseCSV(text)', () => {
  it('has the expected defaults', () => {
    expect(parseCSVDefaults).toEqual({ delimiter: ',' });
  });

  it('splits records on CRLF, LF and lone CR, fields on commas', () => {
    expect(parseCSV('a,b\r\n1,2\n3,4\r5,6')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('reads quoted fields with delimiters, line breaks and doubled quotes (RFC 4180)', () => {
    const text = 'name,note\r\n"Smith, J","said ""hi"""\r\n"two\r\nlines",""\r\n';
    expect(parseCSV(text)).toEqual([
      ['name', 'note'],
      ['Smith, J', 'said "hi"'],
      ['two\r\nlines', ''],
    ]);
  });

  it('keeps empty fields, drops empty lines, a trailing line break and a byte-order mark', () => {
    expect(parseCSV('\uFEFFa,,c\n\n,\n1,2,3\n\n')).toEqual([
      ['a', '', 'c'],
      ['', ''],
      ['1', '2', '3'],
    ]);
    expect(parseCSV('')).toEqual([]);
    // A quoted empty field is a record, not an empty line.
    expect(parseCSV('""\n')).toEqual([['']]);
  });

  it('takes another one-character delimiter', () => {
    expect(parseCSV('a;b\n"x;y";2', { delimiter: ';' })).toEqual([
      ['a', 'b'],
      ['x;y', '2'],
    ]);
  });

  it('rejects malformed quoting with the line number and how to fix it', () => {
    const open = interpErrorOfSync(() => parseCSV('a,b\n1,"unclosed\n'));
    expect(open.code).toBe('PARSE');
    expect(open.message).toMatch(/line 2: a quoted field is never closed/);
    expect(interpErrorOfSync(() => parseCSV('a\nx"y\n')).message).toMatch(
      /line 2: a quote inside an unquoted field/,
    );
    expect(interpErrorOfSync(() => parseCSV('"a"b,c')).message).toMatch(
      /line 1: text after a closing quote/,
    );
    // Line numbers count the line breaks inside quoted fields.
    expect(interpErrorOfSync(() => parseCSV('"x\ny",1\n"a"b')).message).toMatch(/line 3/);
  });

  it('rejects a bad delimiter or non-text input', () => {
    expect(interpErrorOfSync(() => parseCSV('a', { delimiter: ';;' })).message).toMatch(
      /invalid delimiter: ";;"/,
    );
    expect(interpErrorOfSync(() => parseCSV('a', { delimiter: '"' })).code).toBe('INVALID_OPTION');
    expect(interpErrorOfSync(() => parseCSV(42 as unknown as string)).message).toMatch(/string/);
  });
});
