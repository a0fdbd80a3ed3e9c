import { describe, expect, it } from 'vitest';
import { InterpError } from '../errors.js';
import {
  type ConvAxis,
  filterGradByDyPadding,
  filterGradByXPadding,
  forwardConvInfo,
  inputGradPadding,
  signedPadding,
} from './conv-geometry.js';

const axis = (a: Partial<ConvAxis>): ConvAxis => ({
  inSize: 5,
  outSize: 5,
  filter: 3,
  stride: 1,
  dilation: 1,
  padBefore: 1,
  ...a,
});

describe('conv backprop geometry', () => {
  it('signedPadding splits negative padding into crops', () => {
    expect(signedPadding(2, -3)).toEqual({
      cropBefore: 0,
      cropAfter: 3,
      padBefore: 2,
      padAfter: 0,
    });
  });

  it('inputGradPadding: a 3-tap same conv pads dy by one on each side', () => {
    // dx[h] = dy[h+1] w[0] + dy[h] w[1] + dy[h-1] w[2]: correlating with the flipped filter needs
    // one zero before and one after dy.
    expect(inputGradPadding(axis({}))).toEqual({
      cropBefore: 0,
      cropAfter: 0,
      padBefore: 1,
      padAfter: 1,
    });
  });

  it('inputGradPadding: stride 2, valid, 7 -> 3 outputs', () => {
    // dy spreads to [d0 0 d1 0 d2 0]; 7 outputs of a 3-tap correlation need 7 + 2 = 9 values:
    // 2 zeros before the 6 spread values (dx[0] = d0 w[0]) and 1 after.
    expect(inputGradPadding(axis({ inSize: 7, outSize: 3, stride: 2, padBefore: 0 }))).toEqual({
      cropBefore: 0,
      cropAfter: 0,
      padBefore: 2,
      padAfter: 1,
    });
  });

  it('inputGradPadding: 1x1 stride 2 over 5 inputs crops the last spread zero', () => {
    // Outputs read inputs 0, 2, 4; the spread dy [d0 0 d1 0 d2 0] is one longer than the input.
    expect(
      inputGradPadding(axis({ inSize: 5, outSize: 3, filter: 1, stride: 2, padBefore: 0 })),
    ).toEqual({
      cropBefore: 0,
      cropAfter: 1,
      padBefore: 0,
      padAfter: 0,
    });
  });

  it('filterGradByDyPadding: stride 2 valid needs the x rows the last output reads, no more', () => {
    // 8 inputs, 3 taps, stride 2 -> 3 outputs reading rows up to 2 * 2 + 2 = 6: drop row 7.
    expect(filterGradByDyPadding(axis({ inSize: 8, outSize: 3, stride: 2, padBefore: 0 }))).toEqual(
      {
        cropBefore: 0,
        cropAfter: 1,
        padBefore: 0,
        padAfter: 0,
      },
    );
  });

  it('filterGradByXPadding: same conv pads dy by (filter - 1) - padBefore before and padBefore after', () => {
    expect(filterGradByXPadding(axis({}))).toEqual({
      cropBefore: 0,
      cropAfter: 0,
      padBefore: 1,
      padAfter: 1,
    });
  });

  it('forwardConvInfo rejects NCHW and a mismatched dy with InterpErrors', () => {
    const attrs = { strides: 1, pad: 'same' as const };
    expect(() =>
      forwardConvInfo(
        'K',
        [1, 4, 4, 1],
        [3, 3, 1, 2],
        [1, 4, 4, 2],
        { ...attrs, dataFormat: 'NCHW' },
        false,
      ),
    ).toThrow(InterpError);
    expect(() =>
      forwardConvInfo('K', [1, 4, 4, 1], [3, 3, 1, 2], [1, 4, 4, 3], attrs, false),
    ).toThrow(
      /dy has shape \[1,4,4,3\] but the convolution of \[1,4,4,1\] by \[3,3,1,2\] gives \[1,4,4,2\]/,
    );
  });
});
