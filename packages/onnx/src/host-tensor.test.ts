import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { hostTensorOf, OnnxDataType } from './host-tensor.js';

/** `values` as little-endian float32 bytes starting `shift` bytes into a buffer of their own. */
function floatBytes(values: readonly number[], shift: number): Uint8Array {
  const out = new Uint8Array(shift + 4 * values.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(shift + 4 * i, values[i]!, true);
  return out.subarray(shift);
}

/** 32768 floats (128 KiB, above the in-place size): v[i] = i / 8 - 100, exact in float32. */
const LARGE = Array.from({ length: 32768 }, (_, i) => i / 8 - 100);
const proto = (dims: number[]) => ({ name: 'w', dataType: OnnxDataType.FLOAT, dims });

describe('hostTensorOf(proto, raw, { inPlace })', () => {
  it('reads large aligned float data in place, with the values the bytes encode', () => {
    const raw = floatBytes(LARGE, 8);
    const host = hostTensorOf(proto([256, 128]), raw, { inPlace: true });
    expect(host.dtype).toBe('float32');
    expect(host.shape).toEqual([256, 128]);
    expect(host.data.buffer).toBe(raw.buffer);
    expect(Array.from(host.data)).toEqual(LARGE);
  });

  it('copies unaligned, small, or not owned data, to the same values', () => {
    const cases = [
      { raw: floatBytes(LARGE, 2), dims: [256, 128], inPlace: true, want: LARGE },
      { raw: floatBytes([1.5, -2, 3.25], 0), dims: [3], inPlace: true, want: [1.5, -2, 3.25] },
      { raw: floatBytes(LARGE, 0), dims: [32768], inPlace: false, want: LARGE },
      { raw: floatBytes(LARGE, 0), dims: [32768], inPlace: undefined, want: LARGE },
    ];
    for (const { raw, dims, inPlace, want } of cases) {
      const host = hostTensorOf(proto(dims), raw, { inPlace });
      expect(host.data.buffer).not.toBe(raw.buffer);
      expect(Array.from(host.data)).toEqual(want);
    }
  });

  it('rejects raw data of the wrong length, naming the tensor', () => {
    const e = (() => {
      try {
        hostTensorOf(proto([4]), floatBytes([1, 2, 3], 0), { inPlace: true });
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(InterpError);
    expect((e as InterpError).message).toMatch(/tensor "w" has 12 bytes of data for 4 values/);
  });
});
