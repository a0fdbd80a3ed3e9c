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
    expect(html.match(/&lt;img src=x onerror=alert\(1\)&gt;/g)!.length).toBe(7);
    expect(html).toContain('id="a&quot;b"');
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });
});
