import { InterpError } from '@interp/core/base';

/** Options of {@link parseCSV}. */
export interface ParseCSVOptions {
  /** Field separator, one character (default ','). */
  delimiter?: string;
}

/** parseCSV defaults, written once. */
export const parseCSVDefaults = Object.freeze({ delimiter: ',' } as const);

const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * Parses CSV text as RFC 4180 describes it: fields separated by the delimiter, records by CRLF or
 * LF (a lone CR too), fields in double quotes may hold delimiters, line breaks and `""` for a
 * quote. A leading byte-order mark is dropped, and so are empty lines (a file that ends with a
 * line break does not get an empty last record). Cells stay strings; {@link Table.fromCSV}
 * detects numbers.
 *
 * @example
 * ```ts
 * parseCSV('name,note\r\n"Smith, J","said ""hi"""\r\n');
 * // [['name', 'note'], ['Smith, J', 'said "hi"']]
 * ```
 */
export function parseCSV(text: string, options: ParseCSVOptions = {}): string[][] {
  const { delimiter = parseCSVDefaults.delimiter } = options;
  if (typeof text !== 'string') {
    throw new InterpError('INVALID_ARGUMENT', 'parseCSV expects the CSV text as a string');
  }
  if (typeof delimiter !== 'string' || delimiter.length !== 1 || /["\r\n]/.test(delimiter)) {
    throw new InterpError(
      'INVALID_OPTION',
      `invalid delimiter: ${JSON.stringify(delimiter)}; expected one character other than a quote or a line break`,
    );
  }
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const d = delimiter.charCodeAt(0);
  const records: string[][] = [];
  const n = s.length;
  let line = 1;
  let i = 0;
  while (i < n) {
    // One record: fields until a line break or the end of the text.
    const record: string[] = [];
    let quoted = false;
    for (;;) {
      let field: string;
      if (s.charCodeAt(i) === QUOTE) {
        quoted = true;
        const start = line;
        let parts = '';
        let from = i + 1;
        for (;;) {
          const q = s.indexOf('"', from);
          if (q < 0) {
            throw new InterpError(
              'PARSE',
              `CSV line ${start}: a quoted field is never closed; add the closing quote`,
            );
          }
          parts += s.slice(from, q);
          if (s.charCodeAt(q + 1) === QUOTE) {
            parts += '"';
            from = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        for (let k = parts.indexOf('\n'); k >= 0; k = parts.indexOf('\n', k + 1)) line++;
        field = parts;
        const next = s.charCodeAt(i);
        if (i < n && next !== d && next !== CR && next !== LF) {
          throw new InterpError(
            'PARSE',
            `CSV line ${line}: text after a closing quote; put the whole field in quotes`,
          );
        }
      } else {
        let j = i;
        while (j < n) {
          const c = s.charCodeAt(j);
          if (c === d || c === CR || c === LF) break;
          if (c === QUOTE) {
            throw new InterpError(
              'PARSE',
              `CSV line ${line}: a quote inside an unquoted field; quote the whole field and double inner quotes ("")`,
            );
          }
          j++;
        }
        field = s.slice(i, j);
        i = j;
      }
      record.push(field);
      if (i < n && s.charCodeAt(i) === d) {
        i++;
        continue;
      }
      break;
    }
    // Now at a line break or the end.
    if (s.charCodeAt(i) === CR) i += s.charCodeAt(i + 1) === LF ? 2 : 1;
    else if (s.charCodeAt(i) === LF) i++;
    line++;
    // An empty line is one empty unquoted field: skipped.
    if (record.length > 1 || record[0] !== '' || quoted) records.push(record);
  }
  return records;
}
