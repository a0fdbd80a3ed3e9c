import { beforeAll, describe, expect, it } from 'vitest';
import { pngDataURL } from './base64.js';
import { createDocument } from './create-document.js';
import { dataTable } from './data-table.js';
import { encodePNG } from './encode-png.js';
import { heatmap } from './heatmap.js';
import { interpErrorOfAsync } from './test-helpers.js';
import { decodePNG } from './test-png.js';
import { toPNG } from './to-png.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

describe('toPNG(svg, options)', () => {
  it('renders a plot to PNG bytes of the figure size, times scale', async () => {
    const svg = heatmap([[1, 2]], { figsize: [4, 3], document });
    const png = await toPNG(svg);
    expect([...png.subarray(0, 8)]).toEqual(SIGNATURE);
    expect(decodePNG(png)).toMatchObject({ width: 288, height: 216 });
    const big = decodePNG(await toPNG(svg, { scale: 2 }));
    expect([big.width, big.height]).toEqual([576, 432]);
  });

  it('renders text with a system font (the title darkens its area)', async () => {
    const svg = heatmap([[1]], {
      title: 'Confusion matrix',
      figsize: [4, 3],
      cellText: null,
      document,
    });
    const { width, rgba } = decodePNG(await toPNG(svg));
    let dark = 0;
    for (let y = 0; y < 24; y++)
      for (let x = 0; x < width; x++) if (rgba[(y * width + x) * 4]! < 128) dark++;
    expect(dark).toBeGreaterThan(50);
  });

  it('fills the background white by default and leaves it transparent with background: null', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"></svg>';
    expect([...decodePNG(await toPNG(svg)).rgba.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
    expect(decodePNG(await toPNG(svg, { background: null })).rgba[3]).toBe(0);
    expect([...decodePNG(await toPNG(svg, { background: 'red' })).rgba.subarray(0, 4)]).toEqual([
      255, 0, 0, 255,
    ]);
  });

  it('draws PNGs from encodePNG embedded as data URLs (a second, independent decoder)', async () => {
    // 2x1: red, blue; drawn 1:1 so resvg's decoder must reproduce the exact bytes.
    const png = encodePNG(new Uint8Array([255, 0, 0, 255, 0, 0, 255, 255]), 2, 1);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="2" height="1"><image href="${pngDataURL(png)}" width="2" height="1" image-rendering="pixelated"/></svg>`;
    const { rgba } = decodePNG(await toPNG(svg));
    expect([...rgba]).toEqual([255, 0, 0, 255, 0, 0, 255, 255]);
  });

  it('throws InterpError for HTML figures and for input that is not SVG', async () => {
    const table = dataTable([{ a: 1 }], { document });
    expect(await interpErrorOfAsync(() => toPNG(table), 'NOT_SUPPORTED')).toMatch(
      /SVG figures only, got <table>/,
    );
    expect(await interpErrorOfAsync(() => toPNG('hello'), 'INVALID_ARGUMENT')).toMatch(
      /expects SVG text/,
    );
    expect(await interpErrorOfAsync(() => toPNG(null as never), 'INVALID_ARGUMENT')).toMatch(
      /expects an <svg> element/,
    );
    const svg = heatmap([[1]], { document });
    expect(await interpErrorOfAsync(() => toPNG(svg, { scale: 0 }), 'INVALID_ARGUMENT')).toMatch(
      /scale must be in/,
    );
  });
});
