// The site search box: the MiniSearch index of guides and API (search-index.json, built by
// scripts/site-search-index.mjs) is fetched on the box's first focus; results link to the guide
// heading or the API symbol's page.
import type MiniSearch from 'minisearch';

interface Hit {
  title: string;
  section: string;
  url: string;
  kind: 'guide' | 'api';
}

const MAX_RESULTS = 8;

async function loadIndex(): Promise<MiniSearch> {
  const [{ default: MiniSearchClass }, res] = await Promise.all([
    import('minisearch'),
    fetch(new URL('search-index.json', document.baseURI)),
  ]);
  if (!res.ok) throw new Error(`search index: HTTP ${res.status}`);
  const { options, index } = await res.json();
  return MiniSearchClass.loadJS(index, options);
}

export function setupSearch(): void {
  const input = document.querySelector<HTMLInputElement>('#site-search');
  const list = document.querySelector<HTMLUListElement>('#search-results');
  if (!input || !list) return;
  let index: Promise<MiniSearch> | undefined;
  const links = () => Array.from(list.querySelectorAll<HTMLAnchorElement>('a'));
  const close = () => {
    list.hidden = true;
  };

  const render = async () => {
    index ??= loadIndex();
    const query = input.value.trim();
    const ms = await index;
    if (input.value.trim() !== query) return; // a newer keystroke renders
    list.replaceChildren();
    if (!query) return close();
    const hits = ms.search(query).slice(0, MAX_RESULTS) as unknown as Hit[];
    for (const hit of hits) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = new URL(hit.url, document.baseURI).href;
      a.dataset.kind = hit.kind;
      const title = document.createElement('span');
      title.textContent = hit.title;
      const where = document.createElement('small');
      where.textContent = hit.kind === 'api' ? `API · ${hit.section}` : hit.section;
      a.append(title, where);
      li.append(a);
      list.append(li);
    }
    if (!hits.length) {
      const li = document.createElement('li');
      li.className = 'empty';
      li.textContent = `Nothing found for “${query}”.`;
      list.append(li);
    }
    list.hidden = false;
  };

  input.addEventListener('focus', () => {
    index ??= loadIndex();
  });
  input.addEventListener('input', () => void render());
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      links()[0]?.focus();
      e.preventDefault();
    } else if (e.key === 'Enter') {
      links()[0]?.click();
    } else if (e.key === 'Escape') {
      close();
    }
  });
  list.addEventListener('keydown', (e) => {
    const all = links();
    const i = all.indexOf(document.activeElement as HTMLAnchorElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const next = i + (e.key === 'ArrowDown' ? 1 : -1);
      (next < 0 ? input : all[Math.min(next, all.length - 1)])?.focus();
      e.preventDefault();
    } else if (e.key === 'Escape') {
      close();
      input.focus();
    }
  });
  document.addEventListener('click', (e) => {
    if (!(e.target as Element).closest('.search')) close();
  });
}
