// The guides' markdown renderer: shiki highlighting (a light and a dark theme in one pass, picked
// by CSS), a copy button on every code block, heading ids with a visible anchor link, links between
// guides, and inline code spans that name an exported symbol linked to its API reference page.
import MarkdownIt from 'markdown-it';
import { createHighlighter } from 'shiki';

/** The two shiki themes; style.css picks one through light-dark() on --shiki-light/--shiki-dark. */
export const CODE_THEMES = { light: 'github-light', dark: 'github-dark' };
const LANGS = ['ts', 'js', 'json', 'bash', 'python', 'html', 'css'];
const ALIASES = { typescript: 'ts', javascript: 'js', sh: 'bash', shell: 'bash', py: 'python' };

export function escapeHtml(s) {
  return s
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

export function slugify(text) {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Loads shiki's grammars and themes once; returns `highlight(code, info)` -> a code block's HTML. */
export async function createCodeBlocks() {
  const shiki = await createHighlighter({ themes: Object.values(CODE_THEMES), langs: LANGS });
  return function codeBlock(code, info = '') {
    // The info string's first word is the language ('ts browser' marks a browser-only snippet).
    const word = info.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
    const lang = ALIASES[word] ?? word;
    const pre = LANGS.includes(lang)
      ? shiki.codeToHtml(code.replace(/\n$/, ''), {
          lang,
          themes: CODE_THEMES,
          defaultColor: false,
        })
      : `<pre class="shiki"><code>${escapeHtml(code.replace(/\n$/, ''))}</code></pre>`;
    return `<div class="code-block">${pre}<button type="button" class="copy-code" aria-label="Copy code to the clipboard">Copy</button></div>\n`;
  };
}

/**
 * A markdown-it renderer for the guides. `symbols` maps an exported name to its API page (relative
 * to the site root); empty when the API reference is not built.
 */
export function createMarkdown({ codeBlock, symbols }) {
  const md = new MarkdownIt({ html: true, linkify: false, typographer: false });
  md.core.ruler.push('heading_ids', (state) => {
    const tokens = state.tokens;
    const seen = new Map();
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i].type === 'heading_open' && tokens[i].tag !== 'h1') {
        const base = slugify(tokens[i + 1].content);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        tokens[i].attrSet('id', n ? `${base}-${n}` : base);
      }
      if (tokens[i].type === 'inline') {
        for (const t of tokens[i].children ?? []) {
          if (t.type === 'link_open') {
            const href = t.attrGet('href');
            if (href && /^\.\/[a-z0-9-]+\.md(#.*)?$/.test(href)) {
              t.attrSet('href', href.replace(/\.md/, '.html'));
            }
          }
        }
      }
    }
  });
  md.renderer.rules.heading_close = (tokens, idx) => {
    const id = tokens[idx - 2]?.attrGet('id');
    const anchor = id
      ? ` <a class="anchor" href="#${id}" aria-label="Link to this section: ${escapeHtml(tokens[idx - 1].content)}">#</a>`
      : '';
    return `${anchor}</${tokens[idx].tag}>\n`;
  };
  md.renderer.rules.fence = (tokens, idx) => codeBlock(tokens[idx].content, tokens[idx].info);
  md.renderer.rules.code_block = (tokens, idx) => codeBlock(tokens[idx].content, '');
  md.renderer.rules.code_inline = (tokens, idx) => {
    const text = tokens[idx].content;
    const code = `<code>${escapeHtml(text)}</code>`;
    // `Learner`, `new Learner(...)`, `ClassificationInterpretation.fromPredictions`, `setupBackend()`.
    const name = /^(?:new\s+)?([A-Za-z_$][\w$]*)(?:[.(<]|$)/.exec(text)?.[1];
    const href = name && symbols.get(name);
    return href ? `<a class="api-link" href="./${href}">${code}</a>` : code;
  };
  return md;
}
