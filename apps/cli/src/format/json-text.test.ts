import { describe, expect, it } from 'vitest';
import { jsonText } from './json-text.js';

describe('jsonText(value)', () => {
  it('writes Map keys in insertion order, integer-like keys included', () => {
    const text = jsonText(
      new Map([
        ['10', 1],
        ['2', 2],
        ['a', 3],
      ]),
    );
    expect(text).toBe('{\n  "10": 1,\n  "2": 2,\n  "a": 3\n}');
    expect(JSON.parse(text)).toEqual({ 10: 1, 2: 2, a: 3 });
  });

  it('keeps arrays of primitives on one line and nests the rest', () => {
    expect(
      jsonText({
        m: [
          [1, 2],
          [3, 4],
        ],
        s: ['a"b'],
        e: [],
        o: {},
      }),
    ).toBe(
      '{\n  "m": [\n    [1, 2],\n    [3, 4]\n  ],\n  "s": ["a\\"b"],\n  "e": [],\n  "o": {}\n}',
    );
    expect(jsonText(Number.NaN)).toBe('null');
  });

  it('escapes controls and bidi overrides in strings and keys; the parsed value is unchanged', () => {
    const value = new Map([['k\u202e', ['a\x1b[2J', 'b\u0085\u2066', 'c\x7f']]]);
    const text = jsonText(value);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking their absence is the point
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain('"k\\u202e"');
    expect(JSON.parse(text)).toEqual({ 'k\u202e': ['a\x1b[2J', 'b\u0085\u2066', 'c\x7f'] });
  });
});
