import { describe, expect, it } from 'vitest';
import { parseColor } from './parse-color.js';
import { interpErrorOf } from './test-helpers.js';

describe('parseColor(color, name)', () => {
  it('reads #rgb, #rrggbb, rgb() and rgba() into 0..255 channels', () => {
    expect(parseColor('#f80')).toEqual([255, 136, 0]);
    expect(parseColor(' #1F77b4 ')).toEqual([31, 119, 180]);
    expect(parseColor('rgb(8, 48, 107)')).toEqual([8, 48, 107]);
    expect(parseColor('rgba(1,2,3,0.5)')).toEqual([1, 2, 3]);
  });

  it('rejects anything else with an InterpError naming the option', () => {
    expect(interpErrorOf(() => parseColor('red', 'palette[2]'), 'INVALID_OPTION')).toMatch(
      /palette\[2\] = "red" is not a hex color or rgb\(r, g, b\); pass colors such as '#1f77b4'/,
    );
    expect(interpErrorOf(() => parseColor(7))).toMatch(/^color = 7 is not a hex color/);
  });
});
