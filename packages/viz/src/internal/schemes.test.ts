import * as Plot from '@observablehq/plot';
import { describe, expect, it } from 'vitest';
import { parseColor } from '../parse-color.js';
import { colormapTable } from './colormap-table.js';
import { SCHEME_NAMES } from './schemes.js';

// Plot is the oracle: the Plot-free tables must equal what Plot's own scale gives, entry by entry.
describe('colormapTable(scheme) without Plot', () => {
  it.each(SCHEME_NAMES)('%s equals Plot’s scheme at every one of the 256 entries', (name) => {
    const scale = Plot.scale({
      color: { type: 'linear', scheme: name as Plot.ColorScheme, domain: [0, 1] },
    });
    const table = colormapTable(name);
    const expected = new Uint8Array(256 * 3);
    for (let i = 0; i < 256; i++) expected.set(parseColor(String(scale.apply(i / 255))), i * 3);
    expect(Array.from(table)).toEqual(Array.from(expected));
  });
});
