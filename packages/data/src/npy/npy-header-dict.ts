/** A value in a `.npy` header dict. */
export type HeaderValue = string | boolean | number[];

const DIGITS = /\d+/y;

/**
 * The header dict: `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` with
 * single- or double-quoted keys and strings (no escapes), spaces around tokens, an optional
 * trailing comma. Exactly the three keys, each once.
 */
export function parseHeaderDict(
  text: string,
  fail: (why: string) => never,
): Record<string, HeaderValue> {
  let i = 0;
  const bad = (what: string): never =>
    fail(
      `malformed .npy header: ${what} at column ${i + 1} of ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`,
    );
  const spaces = () => {
    while (text[i] === ' ' || text[i] === '\t') i++;
  };
  const expect = (c: string) => {
    spaces();
    if (text[i] !== c) bad(`expected '${c}'`);
    i++;
  };
  const string = (): string => {
    spaces();
    const q = text[i];
    if (q !== "'" && q !== '"') return bad('expected a quoted string');
    const end = text.indexOf(q, i + 1);
    if (end < 0) return bad('unterminated string');
    const s = text.slice(i + 1, end);
    if (s.includes('\\')) return bad('a backslash escape');
    i = end + 1;
    return s;
  };
  const integer = (): number => {
    spaces();
    DIGITS.lastIndex = i;
    const m = DIGITS.exec(text);
    if (m === null) return bad('expected a non-negative decimal integer');
    const digits = m[0];
    if (/^0\d/.test(digits) && !/^0+$/.test(digits)) bad('a decimal integer with a leading zero');
    i += digits.length;
    if (/[0-9A-Za-z_.]/.test(text[i] ?? '')) bad('a shape entry that is not a decimal integer');
    const v = Number(digits);
    if (!Number.isSafeInteger(v)) bad('a dimension beyond 2^53');
    return v;
  };
  const tuple = (): number[] => {
    expect('(');
    const dims: number[] = [];
    spaces();
    if (text[i] === ')') {
      i++;
      return dims;
    }
    for (;;) {
      dims.push(integer());
      spaces();
      if (text[i] === ')') {
        // (4) is the integer 4 in Python, not a tuple.
        if (dims.length === 1) bad('a one-element shape needs a trailing comma, as in (4,)');
        i++;
        return dims;
      }
      expect(',');
      spaces();
      if (text[i] === ')') {
        i++;
        return dims;
      }
    }
  };
  const value = (): HeaderValue => {
    spaces();
    if (text[i] === "'" || text[i] === '"') return string();
    if (text[i] === '(') return tuple();
    for (const [word, v] of [
      ['True', true],
      ['False', false],
    ] as const) {
      if (text.startsWith(word, i) && !/[0-9A-Za-z_]/.test(text[i + word.length] ?? '')) {
        i += word.length;
        return v;
      }
    }
    return bad('expected a string, True, False or a tuple');
  };
  const dict: Record<string, HeaderValue> = Object.create(null);
  expect('{');
  spaces();
  while (text[i] !== '}') {
    const at = i;
    const key = string();
    if (key !== 'descr' && key !== 'fortran_order' && key !== 'shape') {
      i = at;
      bad(`unknown key ${JSON.stringify(key)} (numpy writes descr, fortran_order and shape)`);
    }
    if (key in dict) {
      i = at;
      bad(`the key ${JSON.stringify(key)} appears twice`);
    }
    expect(':');
    dict[key] = value();
    spaces();
    if (text[i] === ',') {
      i++;
      spaces();
    } else if (text[i] !== '}') bad("expected ',' or '}'");
  }
  i++;
  if (i !== text.length) bad('text after the closing brace');
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!(key in dict))
      fail(`malformed .npy header: no ${key} (numpy writes descr, fortran_order and shape)`);
  }
  return dict;
}
