import { describe, expect, it } from 'vitest';
import { imageToInput, isGray, resolveNormalization } from './image-to-input.js';

const img = (rgba: number[], width: number, height: number) => ({
  data: Uint8Array.from(rgba),
  width,
  height,
});

describe('imageToInput(image, options, out, offset)', () => {
  it('normalizes per channel and writes NCHW planes at an offset (hand-worked values)', () => {
    // One pixel (R, G, B) = (255, 0, 51) -> (v / 255 - mean) / std with mean [0.5, 0, 0.1], std [0.5, 1, 0.1].
    const out = new Float32Array(5);
    imageToInput(
      img([255, 0, 51, 255], 1, 1),
      { size: [1, 1], channels: 3, mean: [0.5, 0, 0.1], std: [0.5, 1, 0.1], layout: 'NCHW' },
      out,
      2,
    );
    expect(Array.from(out.subarray(0, 2))).toEqual([0, 0]);
    expect(out[2]).toBeCloseTo(1, 6);
    expect(out[3]).toBeCloseTo(0, 6);
    expect(out[4]).toBeCloseTo(1, 5);
  });

  it('orders a 2-pixel RGB image channels last (NHWC) and channel planes first (NCHW)', () => {
    const image = img([255, 0, 0, 255, 0, 0, 255, 255], 2, 1);
    const hwc = new Float32Array(6);
    const chw = new Float32Array(6);
    const base = { size: [1, 2] as const, channels: 3 as const, mean: [0], std: [1] };
    imageToInput(image, base, hwc);
    imageToInput(image, { ...base, layout: 'NCHW' }, chw);
    expect(Array.from(hwc)).toEqual([1, 0, 0, 0, 0, 1]);
    expect(Array.from(chw)).toEqual([1, 0, 0, 0, 0, 1]);
  });

  it('refuses a mean with the wrong number of channels', () => {
    expect(() =>
      imageToInput(
        img([0, 0, 0, 255], 1, 1),
        { size: [1, 1], channels: 1, mean: [0, 0, 0], std: [1] },
        new Float32Array(1),
      ),
    ).toThrow(/mean has 3 values but the model takes 1-channel images/);
  });
});

describe('resolveNormalization(options) and isGray(image)', () => {
  it('takes the preset from core and lets mean/std override it', () => {
    expect(resolveNormalization({})).toEqual({ mean: [0], std: [1] });
    expect(resolveNormalization({ preset: '[-1,1]' })).toEqual({ mean: [0.5], std: [0.5] });
    expect(resolveNormalization({ preset: 'imagenet', std: [1] }).mean).toEqual([
      0.485, 0.456, 0.406,
    ]);
    expect(() => resolveNormalization({ preset: 'bogus' as never })).toThrow(
      /unknown preprocessing preset/,
    );
    expect(() => resolveNormalization({ mean: [Number.NaN] })).toThrow(/mean must be finite/);
  });

  it('says whether every pixel has R = G = B', () => {
    expect(isGray(img([3, 3, 3, 0, 9, 9, 9, 255], 2, 1))).toBe(true);
    expect(isGray(img([3, 3, 4, 255], 1, 1))).toBe(false);
  });
});
