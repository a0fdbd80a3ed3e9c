import { isInterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { resizeBilinear } from './resize-bilinear.js';

const close = (got: ArrayLike<number>, want: number[], digits = 4) => {
  expect(got.length).toBe(want.length);
  want.forEach((v, i) => {
    expect(got[i]).toBeCloseTo(v, digits);
  });
};

describe('resizeBilinear(pixels, shape, size)', () => {
  it('matches torch.nn.functional.interpolate(bilinear, align_corners=False) when upscaling 3x3 -> 5x4', () => {
    const x = [0, 10, 20, 30, 40, 50, 60, 70, 255];
    // torch 1.13: F.interpolate(x.reshape(1,1,3,3), size=(5,4), mode='bilinear', align_corners=False)
    const torch = [
      0, 6.25, 13.75, 20, 12, 18.25, 25.75, 32, 30, 36.25, 43.75, 50, 48, 54.25, 101.125, 173, 60,
      66.25, 139.375, 255,
    ];
    close(resizeBilinear(x, [3, 3, 1], [5, 4]), torch);
  });

  it('matches torch (antialias=False) when downscaling 4x4 -> 2x2', () => {
    const x = Array.from({ length: 16 }, (_, i) => i);
    close(resizeBilinear(x, [4, 4, 1], [2, 2]), [2.5, 4.5, 10.5, 12.5]);
  });

  it('interpolates each channel on its own and copies at the same size', () => {
    // 1x2 RGB -> 1x4: half-pixel sources -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
    const out = resizeBilinear([0, 100, 200, 100, 100, 0], [1, 2, 3], [1, 4]);
    close(out, [0, 100, 200, 25, 100, 150, 75, 100, 50, 100, 100, 0]);
    close(resizeBilinear([1, 2], [1, 2, 1], [1, 2]), [1, 2]);
  });

  it('refuses sizes that are not positive integers and data of the wrong length', () => {
    for (const call of [
      () => resizeBilinear([1], [1, 1, 1], [0, 1]),
      () => resizeBilinear([1, 2], [1, 1, 1], [1, 1]),
    ]) {
      try {
        call();
        expect.unreachable();
      } catch (e) {
        expect(isInterpError(e)).toBe(true);
        expect((e as Error).message).toMatch(/resizeBilinear: /);
      }
    }
  });
});
