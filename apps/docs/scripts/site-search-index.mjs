// The site search: one MiniSearch index over the guides' sections and the API reference's
// symbols, built here and written as a JSON asset that src/site-search.ts loads on first use.
import MiniSearch from 'minisearch';

/**
 * The index's options travel with it in the asset (`{ options, index }`), so the page loads it
 * with exactly the options it was built with.
 */
const OPTIONS = {
  fields: ['title', 'text'],
  storeFields: ['title', 'section', 'url', 'kind'],
  searchOptions: { boost: { title: 3 }, prefix: true, fuzzy: 0.2 },
};

function plain(html) {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** One search document per guide section (h2/h3 with an id), plus one per page for its intro. */
export function guideDocs(page, html) {
  const docs = [];
  const parts = html.split(/(?=<h[23] id=")/);
  docs.push({
    title: page.title,
    section: 'Guide',
    text: plain(parts[0]).slice(0, 2000),
    url: `${page.slug}.html`,
  });
  for (const part of parts.slice(1)) {
    const m = /^<h[23] id="([^"]+)">([\s\S]*?)<\/h[23]>/.exec(part);
    if (!m) continue;
    const title = plain(m[2]).replace(/\s*#$/, '');
    docs.push({
      title,
      section: page.title,
      text: plain(part.slice(m[0].length)).slice(0, 2000),
      url: `${page.slug}.html#${m[1]}`,
    });
  }
  return docs.map((d) => ({ ...d, kind: 'guide' }));
}

/** The index asset's JSON text. */
export function searchIndexJson(docs) {
  const ms = new MiniSearch({ ...OPTIONS, idField: 'id' });
  ms.addAll(docs.map((d, id) => ({ ...d, id })));
  return JSON.stringify({ options: { ...OPTIONS, idField: 'id' }, index: ms });
}
