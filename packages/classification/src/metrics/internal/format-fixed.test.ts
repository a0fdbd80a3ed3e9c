import { describe, expect, it } from 'vitest';
import { codePointLength, formatFixed, padStart } from './format-fixed.js';

describe("formatFixed(value, digits): Python's '{:.Nf}'", () => {
  it('rounds exact binary ties half to even', () => {
    // Python: '{:.2f}'.format(x) for 0.125, 0.375, 0.625, 0.875 -> 0.12 0.38 0.62 0.88
    expect([0.125, 0.375, 0.625, 0.875].map((v) => formatFixed(v, 2))).toEqual([
      '0.12',
      '0.38',
      '0.62',
      '0.88',
    ]);
    expect(formatFixed(0.3125, 3)).toBe('0.312');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
    expect(formatFixed(-0.125, 2)).toBe('-0.12');
  });

  it('rounds values near a tie by their exact binary value', () => {
    // 2.675 is 2.67499999999999982236431605997495353221893310546875 in binary: '2.67'.
    expect(formatFixed(2.675, 2)).toBe('2.67');
    // 1.005 is 1.00499999999999989341858963598497211933135986328125: '1.00'.
    expect(formatFixed(1.005, 2)).toBe('1.00');
    expect(formatFixed(0.6666666666666666, 2)).toBe('0.67');
    expect(formatFixed(1, 2)).toBe('1.00');
  });
});

describe('padStart(text, width) and codePointLength(text)', () => {
  it('count code points as Python len does', () => {
    expect(codePointLength('😀a')).toBe(2);
    expect(padStart('😀', 3)).toBe('  😀');
    expect(padStart('long', 2)).toBe('long');
  });
});
