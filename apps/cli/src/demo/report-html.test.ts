import { describe, expect, it } from 'vitest';
import { escapeHtml, figure, pre, renderReport, table } from './report-html.js';

describe('report-html', () => {
  it('escapes every piece of untrusted text', () => {
    const evil = '<img src=x onerror=alert(1)>&"\'';
    expect(escapeHtml(evil)).toBe('&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;');
    const html = renderReport(
      evil,
      [evil],
      [
        {
          id: 'a"b',
          title: evil,
          body: table([evil], [[evil, 1]]) + pre(evil) + figure('<svg></svg>', evil),
        },
      ],
    );
    expect(html).not.toContain('<img');
    // title, h1, meta, nav, h2, th, td, pre, figcaption
    expect(html.match(/&lt;img src=x onerror=alert\(1\)&gt;/g)!.length).toBe(9);
    expect(html).toContain('id="a&quot;b"');
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });
});
