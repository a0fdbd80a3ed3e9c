import { parseColor } from '@interp/viz/image';
import { describe, expect, it } from 'vitest';
import { IGNORE_COLOR, SEGMENTATION_PALETTE, segmentationPalette } from './segmentation-palette.js';

describe('segmentationPalette(numClasses)', () => {
  it('has the expected defaults: black background, ten distinct hues, white for ignored pixels', () => {
    expect(SEGMENTATION_PALETTE).toHaveLength(11);
    expect(SEGMENTATION_PALETTE[0]).toBe('#000000');
    expect(new Set(SEGMENTATION_PALETTE).size).toBe(11);
    expect(IGNORE_COLOR).toBe('#ffffff');
    expect(SEGMENTATION_PALETTE).not.toContain(IGNORE_COLOR);
    // No gray but the background: every hue has channels that differ.
    for (const c of SEGMENTATION_PALETTE.slice(1)) {
      const [r, g, b] = parseColor(c, 'c');
      expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeGreaterThan(60);
    }
  });

  it('starts with the fixed colors and extends with distinct hex colors for many classes', () => {
    expect(segmentationPalette(3)).toEqual(['#000000', '#1f77b4', '#ff7f0e']);
    const many = segmentationPalette(40);
    expect(many.slice(0, 11)).toEqual(SEGMENTATION_PALETTE);
    expect(new Set(many).size).toBe(40);
    for (const c of many) expect(c).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('rejects a count that is not a positive integer', () => {
    expect(() => segmentationPalette(0)).toThrow(/numClasses/);
    expect(() => segmentationPalette(2.5)).toThrow(/numClasses/);
  });
});
