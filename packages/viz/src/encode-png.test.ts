import { isInterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { encodePNG } from './encode-png.js';
import { decodePNG, lcgBytes } from './test-png.js';

describe('encodePNG(rgba, width, height)', () => {
  it('writes the PNG signature and an IHDR with the size, 8-bit RGBA', () => {
    const png = encodePNG(new Uint8Array(3 * 2 * 4), 3, 2);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(String.fromCharCode(...png.subarray(12, 16))).toBe('IHDR');
    const view = new DataView(png.buffer, png.byteOffset);
    expect(view.getUint32(16)).toBe(3);
    expect(view.getUint32(20)).toBe(2);
    expect(png[24]).toBe(8);
    expect(png[25]).toBe(6);
  });

  it('round-trips hand-written pixels through an independent zlib-based decoder', () => {
    // 2x2: red, green / blue, half-transparent white
    const rgba = new Uint8Array([
      255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 128,
    ]);
    const { width, height, rgba: back } = decodePNG(encodePNG(rgba, 2, 2));
    expect([width, height]).toEqual([2, 2]);
    expect([...back]).toEqual([...rgba]);
  });

  it('round-trips noisy and smooth images (exercising every row filter)', () => {
    const w = 37;
    const h = 23;
    const noisy = lcgBytes(w * h * 4, 2);
    const smooth = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 4;
        smooth.set([x * 6, y * 10, (x + y) * 4, 255], o);
      }
    }
    for (const rgba of [noisy, smooth]) {
      expect(Buffer.from(decodePNG(encodePNG(rgba, w, h)).rgba).equals(Buffer.from(rgba))).toBe(
        true,
      );
    }
  });

  it('accepts a Uint8ClampedArray (canvas ImageData) and compresses flat images', () => {
    const flat = new Uint8ClampedArray(200 * 200 * 4).fill(255);
    const png = encodePNG(flat, 200, 200);
    expect(png.length).toBeLessThan(2000);
    expect(decodePNG(png).rgba.every((v) => v === 255)).toBe(true);
  });

  it('throws InterpError on a size that does not match the data, and on bad dimensions', () => {
    const bad = [
      () => encodePNG(new Uint8Array(12), 2, 2),
      () => encodePNG(new Uint8Array(16), 0, 4),
      () => encodePNG(new Uint8Array(16), 2.5, 2),
      () => encodePNG([0, 0, 0, 0] as unknown as Uint8Array, 1, 1),
    ];
    const messages = bad.map((f) => {
      try {
        f();
      } catch (e) {
        expect(isInterpError(e)).toBe(true);
        return (e as Error).message;
      }
      throw new Error('did not throw');
    });
    expect(messages[0]).toMatch(/expected 2x2x4 = 16 bytes of RGBA, got 12/);
    expect(messages[1]).toMatch(/width must be a positive integer, got 0/);
    expect(messages[2]).toMatch(/width must be a positive integer, got 2.5/);
    expect(messages[3]).toMatch(/Uint8Array/);
  });
});
