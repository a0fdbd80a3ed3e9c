import { imageToDataURL } from '@interp/viz';
import { describe, expect, it } from 'vitest';
import { maskToDataURL } from './mask-to-data-url.js';

// The expected image is built by hand, byte by byte, and encoded by viz's tested imageToDataURL.
const rgb = (bytes: number[], h: number, w: number) =>
  imageToDataURL({ data: Uint8Array.from(bytes), shape: [h, w, 3] }, { range: '0-255' });

describe('maskToDataURL(mask, palette, { ignoreIndex, ignoreColor })', () => {
  it('paints each pixel in its class color and ignored pixels in the ignore color', () => {
    const mask = { data: Uint8Array.from([0, 1, 255, 2]), shape: [2, 2] };
    const url = maskToDataURL(mask, ['#000', '#ff0000', '#0000ff'], { ignoreIndex: 255 });
    expect(url).toBe(rgb([0, 0, 0, 255, 0, 0, 255, 255, 255, 0, 0, 255], 2, 2));
    const gray = maskToDataURL(mask, ['#000', '#ff0000', '#0000ff'], {
      ignoreIndex: 255,
      ignoreColor: '#808080',
    });
    expect(gray).toBe(rgb([0, 0, 0, 255, 0, 0, 128, 128, 128, 0, 0, 255], 2, 2));
  });

  it('defaults to segmentationPalette for the largest label, and takes [H, W, 1] masks', () => {
    const url = maskToDataURL({ data: [1, 0, 0], shape: [1, 3, 1] });
    // #1f77b4 then black.
    expect(url).toBe(rgb([31, 119, 180, 0, 0, 0, 0, 0, 0], 1, 3));
  });

  it('rejects labels without a color, bad shapes and bad palettes', () => {
    const mask = { data: [0, 3], shape: [1, 2] };
    expect(() => maskToDataURL(mask, ['#000', '#fff'])).toThrow(
      /mask pixel \(row 0, column 1\) is 3, which has no palette color \(0\.\.1\)/,
    );
    expect(() => maskToDataURL({ data: [0, 0.5], shape: [1, 2] }, ['#000', '#fff'])).toThrow(
      /is 0.5/,
    );
    expect(() => maskToDataURL({ data: [0, 1], shape: [2] }, ['#000', '#fff'])).toThrow(
      /shape: \[H, W\]/,
    );
    expect(() => maskToDataURL({ data: [0, 1], shape: [2, 2] }, ['#000', '#fff'])).toThrow(
      /needs 4 labels, got 2/,
    );
    expect(() => maskToDataURL({ data: [0], shape: [1, 1] }, [])).toThrow(/non-empty array/);
    expect(() => maskToDataURL({ data: [0], shape: [1, 1] }, ['black'])).toThrow(
      /palette\[0\] = "black" is not a hex color/,
    );
  });
});
