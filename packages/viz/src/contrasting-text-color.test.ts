import { describe, expect, it } from 'vitest';
import { contrastingTextColor } from './contrasting-text-color.js';
import { relativeLuminance } from './relative-luminance.js';
import { interpErrorOf } from './test-helpers.js';

describe('relativeLuminance(rgb) and contrastingTextColor(fill)', () => {
  it('gives WCAG luminance: 0 for black, 1 for white, ((v/255 + 0.055) / 1.055)^2.4 for a gray', () => {
    expect(relativeLuminance([0, 0, 0])).toBe(0);
    expect(relativeLuminance([255, 255, 255])).toBeCloseTo(1, 12);
    // 118/255: ((0.462745 + 0.055) / 1.055)^2.4 = 0.18117 (hand-worked)
    expect(relativeLuminance([118, 118, 118])).toBeCloseTo(0.18117, 4);
  });

  it('switches from white to black text at luminance ~0.179 (between grays 117 and 118)', () => {
    expect(contrastingTextColor('#757575')).toBe('white'); // L = 0.1779
    expect(contrastingTextColor('#767676')).toBe('black'); // L = 0.1812
    expect(contrastingTextColor('rgb(8, 48, 107)')).toBe('white');
    expect(contrastingTextColor('#f7fbff')).toBe('black');
  });

  it('rejects a fill that is not a color', () => {
    expect(interpErrorOf(() => contrastingTextColor('nope'))).toMatch(
      /fill = "nope" is not a hex color/,
    );
  });
});
