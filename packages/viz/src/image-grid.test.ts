import { beforeAll, describe, expect, it } from 'vitest';
import { createDocument } from './create-document.js';
import { imageGrid } from './image-grid.js';
import { imageToDataURL } from './image-to-data-url.js';
import { interpErrorOf } from './test-helpers.js';
import { decodePNG } from './test-png.js';
import { normalizeSVG } from './testing.js';
import { toPNG } from './to-png.js';
import { toSVGString } from './to-svg-string.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

/** A 4x4 gray image filled with `v` (0..1). */
const flat = (v: number) => imageToDataURL({ data: new Float32Array(16).fill(v), shape: [4, 4] });

const items = [
  { src: flat(1), caption: ['7/1', '2.31', '0.90'], color: 'red' },
  { src: flat(0.5), caption: '3/3\n0.01\n0.99', color: 'green' },
  { src: flat(0), caption: 'only one line' },
  { src: flat(0.25) },
  { src: flat(0.75), caption: ['<img src=x onerror=alert(1)>'] },
];

describe('imageGrid(items, options)', () => {
  it('matches the golden SVG for five captioned images with a title', async () => {
    const svg = imageGrid(items, { title: 'Prediction/Actual/Loss/Probability', document });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/image-grid-basic.svg',
    );
  });

  it('has one <image> per item, with the given data URLs in order', () => {
    const svg = imageGrid(items, { document });
    const images = Array.from(svg.querySelectorAll('image'));
    expect(images).toHaveLength(5);
    expect(images.map((i) => i.getAttribute('href'))).toEqual(items.map((i) => i.src));
  });

  it('writes each caption line as its own line of text, in the caption color', () => {
    const svg = imageGrid(items, { document });
    const texts = Array.from(svg.querySelectorAll('g[aria-label="text"] > text'));
    expect(texts).toHaveLength(4); // the item without a caption has none
    const lines = (t: Element) => {
      const spans = Array.from(t.querySelectorAll('tspan'));
      return spans.length > 0 ? spans.map((s) => s.textContent) : [t.textContent];
    };
    expect(lines(texts[0]!)).toEqual(['7/1', '2.31', '0.90']);
    expect(lines(texts[1]!)).toEqual(['3/3', '0.01', '0.99']);
    expect(lines(texts[2]!)).toEqual(['only one line']);
    expect(texts.map((t) => t.getAttribute('fill'))).toEqual([
      'red',
      'green',
      'currentColor',
      'currentColor',
    ]);
  });

  it('shows markup in captions as text', () => {
    const svg = imageGrid(items, { document });
    expect(svg.querySelector('img')).toBeNull();
    expect(toSVGString(svg)).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('places items row by row in ncols columns', () => {
    const svg = imageGrid(items, { ncols: 2, document });
    const pos = Array.from(svg.querySelectorAll('image')).map((i) => [
      Number(i.getAttribute('x')),
      Number(i.getAttribute('y')),
    ]);
    // Columns alternate, rows advance every two items.
    expect(pos[0]![0]).toBe(pos[2]![0]);
    expect(pos[0]![0]).toBeLessThan(pos[1]![0]!);
    expect(pos[0]![1]).toBe(pos[1]![1]);
    expect(pos[1]![1]).toBeLessThan(pos[2]![1]!);
    expect(pos[2]![1]).toBeLessThan(pos[4]![1]!);
  });

  it('has the expected defaults: ceil(sqrt(n)) columns, 128 px images, pixelated, 8 px gaps, no title', () => {
    const four = [flat(0), flat(1), flat(0), flat(1)].map((src) => ({ src }));
    const svg = imageGrid(four, { document });
    // 2 columns of 128 px images with 8 px gaps: 2 * (128 + 8) + 8.
    expect(svg.getAttribute('width')).toBe('280');
    expect(svg.getAttribute('height')).toBe('280');
    const image = svg.querySelector('image')!;
    expect(image.getAttribute('width')).toBe('128');
    expect(image.getAttribute('image-rendering')).toBe('pixelated');
    expect(svg.querySelector('text')).toBeNull();
  });

  it('fits the images into a given figsize', () => {
    const svg = imageGrid(items, { figsize: [6, 5], document });
    expect([svg.getAttribute('width'), svg.getAttribute('height')]).toEqual(['432', '360']);
  });

  it('renders to PNG with the images in place', async () => {
    const svg = imageGrid([{ src: flat(0) }, { src: flat(1) }], {
      ncols: 2,
      imageSize: 20,
      document,
    });
    const { width, height, rgba } = decodePNG(await toPNG(svg));
    // Two 20 px images with 8 px gaps: 8 + 20 + 8 + 20 + 8 = 64 wide, 8 + 20 + 8 = 36 high.
    expect([width, height]).toEqual([64, 36]);
    const at = (x: number, y: number) => rgba[(y * width + x) * 4];
    expect(at(18, 18)).toBe(0); // centre of the black image
    expect(at(46, 18)).toBe(255); // centre of the white image
  });

  it('throws InterpError on bad input', () => {
    expect(interpErrorOf(() => imageGrid([], { document }), 'EMPTY_INPUT')).toMatch(/no items/);
    expect(
      interpErrorOf(
        () => imageGrid([{ src: 'javascript:alert(1)' }], { document }),
        'INVALID_ARGUMENT',
      ),
    ).toMatch(/script URL/);
    expect(
      interpErrorOf(
        () => imageGrid([{ src: 3 as unknown as string }], { document }),
        'INVALID_ARGUMENT',
      ),
    ).toMatch(/items\[0\]\.src must be a string/);
    expect(
      interpErrorOf(() => imageGrid(items, { ncols: 0, document }), 'INVALID_ARGUMENT'),
    ).toMatch(/ncols must be >= 1/);
    expect(
      interpErrorOf(() => imageGrid(items, { figsize: [0.5, 0.5], document }), 'INVALID_OPTION'),
    ).toMatch(/leaves no room/);
    expect(interpErrorOf(() => imageGrid(items), 'INVALID_OPTION')).toMatch(/no document/);
  });
});
