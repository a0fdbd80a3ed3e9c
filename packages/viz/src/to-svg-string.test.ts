import { beforeAll, describe, expect, it } from 'vitest';
import { createDocument } from './create-document.js';
import { dataTable } from './data-table.js';
import { interpErrorOf } from './test-helpers.js';
import { toSVGString } from './to-svg-string.js';

let document: Document;
beforeAll(async () => {
  document = await createDocument();
});

const SVG_NS = 'http://www.w3.org/2000/svg';

describe('toSVGString(node)', () => {
  it('writes a standalone SVG: xmlns on the root, camelCase element names kept', () => {
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('width', '10');
    const clip = document.createElementNS(SVG_NS, 'clipPath');
    clip.setAttribute('id', 'c1');
    svg.appendChild(clip);
    expect(toSVGString(svg)).toBe(`<svg xmlns="${SVG_NS}" width="10"><clipPath id="c1"/></svg>`);
  });

  it('escapes text and attribute values as XML (&, <, >, quotes)', () => {
    const svg = document.createElementNS(SVG_NS, 'svg');
    const text = document.createElementNS(SVG_NS, 'text');
    text.setAttribute('aria-label', '<x> & "y"');
    text.textContent = 'a<b & "c"';
    svg.appendChild(text);
    expect(toSVGString(svg)).toBe(
      `<svg xmlns="${SVG_NS}"><text aria-label="&lt;x&gt; &amp; &quot;y&quot;">a&lt;b &amp; "c"</text></svg>`,
    );
  });

  it('declares the xlink namespace when an xlink attribute is used', () => {
    const svg = document.createElementNS(SVG_NS, 'svg');
    const image = document.createElementNS(SVG_NS, 'image');
    image.setAttribute('xlink:href', 'data:image/png;base64,AA==');
    svg.appendChild(image);
    expect(toSVGString(svg)).toContain('xmlns:xlink="http://www.w3.org/1999/xlink"');
  });

  it('replaces characters XML 1.0 forbids (U+0001, U+000B, lone surrogates, U+FFFF) with U+FFFD', () => {
    const svg = document.createElementNS(SVG_NS, 'svg');
    const text = document.createElementNS(SVG_NS, 'text');
    text.setAttribute('aria-label', 'a\u0001b');
    text.textContent = 'c\u000bd\ud800e\uffff\u{1f600}\tf';
    svg.appendChild(text);
    expect(toSVGString(svg)).toBe(
      `<svg xmlns="${SVG_NS}"><text aria-label="a\ufffdb">c\ufffdd\ufffde\ufffd\u{1f600}\tf</text></svg>`,
    );
  });

  it('returns outerHTML for HTML elements such as a table', () => {
    const table = dataTable([{ a: '<b>' }], { document });
    expect(toSVGString(table)).toBe(table.outerHTML);
    expect(toSVGString(table)).toContain('&lt;b&gt;');
  });

  it('throws InterpError for something that is not an element', () => {
    expect(interpErrorOf(() => toSVGString('<svg/>' as never), 'INVALID_ARGUMENT')).toMatch(
      /expects a DOM element/,
    );
  });
});
