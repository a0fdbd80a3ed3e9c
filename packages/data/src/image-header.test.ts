import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode-image.js';
import { readImageHeader } from './image-header.js';
import { jpegBytes, pngBytes } from './test-images.js';

describe('readImageHeader(bytes, name)', () => {
  it('reads the size of a PNG and of a JPEG without decoding', () => {
    expect(readImageHeader(pngBytes(3, 2, new Uint8Array(24)))).toEqual({
      format: 'png',
      width: 3,
      height: 2,
    });
    expect(readImageHeader(jpegBytes(5, 7, new Uint8Array(140)))).toEqual({
      format: 'jpeg',
      width: 5,
      height: 7,
    });
  });

  it('refuses other files and truncated JPEGs, naming the file', () => {
    expect(() => readImageHeader(new TextEncoder().encode('GIF89a....'), 'a.gif')).toThrow(
      /a\.gif: not a PNG or JPEG/,
    );
    expect(() => readImageHeader(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 16), 'b.jpg')).toThrow(
      /b\.jpg: a JPEG without a readable frame header/,
    );
  });
});

describe('decodeImage(bytes, name, maxSide)', () => {
  it('decodes PNG to RGBA exactly and JPEG (quality 100) to within a few levels', () => {
    const rgba = Uint8Array.of(255, 0, 0, 255, 0, 255, 0, 128);
    const png = decodeImage(pngBytes(2, 1, rgba));
    expect(png.width).toBe(2);
    expect(Array.from(png.data)).toEqual(Array.from(rgba));
    const gray = new Uint8Array(16).fill(200);
    for (let p = 3; p < 16; p += 4) gray[p] = 255;
    const jpg = decodeImage(jpegBytes(2, 2, gray));
    for (let p = 0; p < 4; p++) expect(Math.abs(jpg.data[4 * p]! - 200)).toBeLessThanOrEqual(2);
  });

  it('refuses an image over maxSide before decoding and a corrupt body', () => {
    expect(() => decodeImage(pngBytes(3, 2, new Uint8Array(24)), 'wide.png', 2)).toThrow(
      /wide\.png is 3 x 2 pixels; interp reads images from 1 to 2/,
    );
    const broken = pngBytes(2, 2, new Uint8Array(16)).subarray(0, 40);
    expect(() => decodeImage(broken, 'cut.png')).toThrow(/cannot decode cut\.png as PNG/);
  });
});
