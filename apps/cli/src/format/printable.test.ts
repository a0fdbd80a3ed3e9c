import { describe, expect, it } from 'vitest';
import { printable } from './printable.js';

describe('printable(text)', () => {
  it('keeps ordinary text, non-Latin letters and emoji as they are', () => {
    expect(printable('chat, Hund, 猫, кошка, 😀 (x > y) \\ ok')).toBe(
      'chat, Hund, 猫, кошка, 😀 (x > y) \\ ok',
    );
  });

  it('escapes ESC, BEL, DEL, newlines, C1 controls and NUL as \\xHH', () => {
    expect(printable('a\x1b[2Jb')).toBe('a\\x1b[2Jb');
    expect(printable('bell\x07')).toBe('bell\\x07');
    expect(printable('del\x7f')).toBe('del\\x7f');
    expect(printable('cat\nforged line\r')).toBe('cat\\x0aforged line\\x0d');
    expect(printable('csi\x9b31m')).toBe('csi\\x9b31m');
    expect(printable('nul\0')).toBe('nul\\x00');
  });

  it('escapes bidi overrides, isolates and line separators as \\uHHHH', () => {
    expect(printable('dog\u202egnp.exe')).toBe('dog\\u202egnp.exe');
    for (const c of [0x202a, 0x202b, 0x202c, 0x202d, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028]) {
      expect(printable(String.fromCharCode(c))).toBe(`\\u${c.toString(16)}`);
    }
  });

  it('escapes lone surrogates but keeps pairs', () => {
    expect(printable('a\ud800b\udc00')).toBe('a\\ud800b\\udc00');
    expect(printable('\ud83d\ude00')).toBe('😀');
  });

  it('never leaves a control character in its output (every code unit 0..0xffff)', () => {
    const all = Array.from({ length: 0x10000 }, (_, i) => String.fromCharCode(i)).join('');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking their absence is the point
    expect(printable(all)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});
