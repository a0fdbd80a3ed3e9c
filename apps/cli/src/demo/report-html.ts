/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** One section of the demo report. `body` is trusted HTML built with {@link escapeHtml} and our own SVG. */
export interface ReportSection {
  id: string;
  title: string;
  body: string;
}

/** A preformatted text block. */
export function pre(text: string): string {
  return `<pre>${escapeHtml(text)}</pre>`;
}

/** A simple table; every cell is escaped. */
export function table(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const tr = rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

/** A figure: inline SVG (or HTML) of our own making, with an escaped caption. */
export function figure(markup: string, caption?: string): string {
  return `<figure>${markup}${caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : ''}</figure>`;
}

/** The whole report as a standalone HTML page. */
export function renderReport(
  title: string,
  meta: readonly string[],
  sections: readonly ReportSection[],
): string {
  const nav = sections
    .map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a></li>`)
    .join('');
  const body = sections
    .map(
      (s) =>
        `<section id="${escapeHtml(s.id)}">\n<h2>${escapeHtml(s.title)}</h2>\n${s.body}\n</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
h1 { margin-bottom: 0.2rem; } .meta { color: #59636e; margin: 0 0 1rem; padding: 0; list-style: none; }
nav ul { display: flex; gap: 1rem; flex-wrap: wrap; padding: 0; list-style: none; }
section { border-top: 1px solid #d1d9e0; margin-top: 2rem; }
pre { background: #f6f8fa; padding: 0.8rem; overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0; } th, td { border: 1px solid #d1d9e0; padding: 0.2rem 0.6rem; text-align: right; }
th { background: #f6f8fa; } figure { margin: 1rem 0; } figcaption { color: #59636e; font-size: 0.9em; }
svg { max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<ul class="meta">${meta.map((m) => `<li>${escapeHtml(m)}</li>`).join('')}</ul>
<nav><ul>${nav}</ul></nav>
${body}
</body>
</html>
`;
}
