import { afterEach, describe, expect, it } from 'vitest';
import { createDocument } from './create-document.js';
import { resolveDocument } from './resolve-document.js';
import { interpErrorOf } from './test-helpers.js';

const g = globalThis as { document?: Document };

describe('resolveDocument(options)', () => {
  afterEach(() => {
    delete g.document;
  });

  it('returns options.document when given', async () => {
    const document = await createDocument();
    expect(resolveDocument({ document })).toBe(document);
  });

  it('falls back to globalThis.document (browsers)', async () => {
    const document = await createDocument();
    g.document = document;
    expect(resolveDocument()).toBe(document);
    expect(resolveDocument({})).toBe(document);
  });

  it('throws InterpError saying how to pass a document in Node', () => {
    expect(interpErrorOf(() => resolveDocument(), 'INVALID_OPTION')).toBe(
      'no document: in Node pass { document } (for example parseHTML("<html>").document from linkedom)',
    );
  });
});

describe('createDocument()', () => {
  it('creates a linkedom document that can build SVG and HTML elements', async () => {
    const document = await createDocument();
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    expect(svg.localName).toBe('svg');
    expect(document.createElement('table').localName).toBe('table');
  });
});
