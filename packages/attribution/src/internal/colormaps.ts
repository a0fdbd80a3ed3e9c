import { parseColor } from '@interp/viz/image';
import type { AttributionSign } from '../normalize-attribution.js';

// Captum's default colormaps per sign: matplotlib's Blues/Greens/Reds (the 9-class ColorBrewer
// sequential schemes, linearly interpolated) and "RdWhGn" = from_list([red, white, green]).
const ANCHORS: Record<AttributionSign, readonly string[]> = {
  absolute_value: [
    'f7fbff',
    'deebf7',
    'c6dbef',
    '9ecae1',
    '6baed6',
    '4292c6',
    '2171b5',
    '08519c',
    '08306b',
  ],
  positive: [
    'f7fcf5',
    'e5f5e0',
    'c7e9c0',
    'a1d99b',
    '74c476',
    '41ab5d',
    '238b45',
    '006d2c',
    '00441b',
  ],
  negative: [
    'fff5f0',
    'fee0d2',
    'fcbba1',
    'fc9272',
    'fb6a4a',
    'ef3b2c',
    'cb181d',
    'a50f15',
    '67000d',
  ],
  all: ['ff0000', 'ffffff', '008000'],
};

const tables = new Map<AttributionSign, Uint8Array>();

/**
 * The 256-entry RGB lookup table of a sign's colormap, built as matplotlib does: entry i is the
 * anchors' piecewise-linear interpolation at i / 255, converted to bytes by truncation.
 */
export function signColormap(sign: AttributionSign): Uint8Array {
  let lut = tables.get(sign);
  if (lut) return lut;
  const anchors = ANCHORS[sign].map((hex) => parseColor(`#${hex}`).map((v) => v / 255));
  const segments = anchors.length - 1;
  lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const pos = (i / 255) * segments;
    const k = Math.min(segments - 1, Math.floor(pos));
    const f = pos - k;
    for (let c = 0; c < 3; c++) {
      const v = anchors[k]![c]! * (1 - f) + anchors[k + 1]![c]! * f;
      lut[i * 3 + c] = Math.min(255, Math.floor(v * 255 + 1e-9));
    }
  }
  tables.set(sign, lut);
  return lut;
}
