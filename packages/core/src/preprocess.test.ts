import { describe, expect, it } from 'vitest';
import { isInterpError } from './errors.js';
import { preprocessPixels, preprocessPreset, preprocessPresets } from './preprocess.js';

describe('preprocessing presets', () => {
  it('maps 0 and 255 to each range by hand', () => {
    expect([...preprocessPixels([0, 255], 1, '[0,1]')]).toEqual([0, 1]);
    expect([...preprocessPixels([0, 255, 127.5], 1, '[-1,1]')]).toEqual([-1, 1, 0]);
    // ImageNet: (1 - 0.485) / 0.229 = 2.2489..., (0 - 0.456) / 0.224 = -2.0357...
    const v = preprocessPixels([255, 0, 0, 0, 0, 255], 3, 'imagenet');
    expect(v[0]).toBeCloseTo(2.248908, 5);
    expect(v[1]).toBeCloseTo(-2.035714, 5);
    expect(v[2]).toBeCloseTo(-1.8044444, 5);
    expect(v[5]).toBeCloseTo(2.64, 5);
  });

  it('looks presets up by name and lists the names for an unknown one', () => {
    expect(preprocessPreset('imagenet')).toBe(preprocessPresets.imagenet);
    try {
      preprocessPreset('caffe');
      expect.unreachable();
    } catch (e) {
      expect(isInterpError(e) && e.message).toMatch(/caffe.*\[0,1\], \[-1,1\], imagenet/);
    }
  });

  it('refuses imagenet on one-channel pixels and a channel count that does not divide', () => {
    expect(() => preprocessPixels([1, 2], 1, 'imagenet')).toThrow(/3 channel means.*1 channels/);
    expect(() => preprocessPixels([1, 2], 3, '[0,1]')).toThrow(/dividing the 2 values/);
  });
});
