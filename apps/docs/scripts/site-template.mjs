// The HTML shell of a guide page: header (brand, search, theme toggle, mobile menu button,
// backend status), the page navigation and the rendered guide.
import { PAGES } from './pages.mjs';
import { escapeHtml } from './site-markdown.mjs';

/**
 * Runs before the first paint so a dark choice never flashes light. The key and values are
 * TypeDoc's ('tsd-theme': os | light | dark), so one choice holds on guides and API pages alike.
 */
const THEME_BOOT =
  '<script>document.documentElement.dataset.theme = localStorage.getItem("tsd-theme") || "os";</script>';

export function template(page, body, { withApi }) {
  const nav = PAGES.map(
    (p) =>
      `<li><a href="./${p.slug}.html"${p.slug === page.slug ? ' aria-current="page"' : ''}>${escapeHtml(p.title)}</a></li>`,
  ).join('\n');
  const api = withApi ? '<li><a href="./api/index.html">API reference</a></li>' : '';
  return `<!doctype html>
<html lang="en" data-theme="os">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · interp</title>
<link rel="icon" href="./favicon.ico">
${THEME_BOOT}
<link rel="stylesheet" href="../../src/style.css">
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="site-header">
<button type="button" class="menu-button" aria-expanded="false" aria-controls="site-nav">Menu</button>
<a class="brand" href="./index.html">interp</a>
<span class="tagline">understand trained TensorFlow.js models</span>
<div class="search" role="search">
<input type="search" id="site-search" placeholder="Search guides and API" aria-label="Search guides and API" autocomplete="off" aria-controls="search-results">
<ul id="search-results" class="search-results" hidden></ul>
</div>
<button type="button" class="theme-toggle" aria-label="Dark mode" aria-pressed="false">◐</button>
</header>
<p id="backend-badge" class="badge" role="status" aria-live="polite" hidden></p>
<div class="layout">
<nav id="site-nav" aria-label="Pages"><ul>
${nav}
${api}
</ul></nav>
<main id="content" tabindex="-1">
${body}
</main>
</div>
<script type="module" src="../../src/main.ts"></script>
</body>
</html>
`;
}
