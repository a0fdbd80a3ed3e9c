// The page chrome's behaviour: theme toggle, mobile menu and copy buttons on code blocks.

/** TypeDoc's key and values, so one choice holds on guides and API pages alike. */
const THEME_KEY = 'tsd-theme';

function effectiveDark(): boolean {
  const t = document.documentElement.dataset.theme;
  return t === 'dark' || (t !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
}

/** The toggle flips between light and dark from what shows now, and remembers it. */
export function setupThemeToggle(): void {
  const button = document.querySelector<HTMLButtonElement>('.theme-toggle');
  if (!button) return;
  const sync = () => button.setAttribute('aria-pressed', String(effectiveDark()));
  sync();
  button.addEventListener('click', () => {
    const next = effectiveDark() ? 'light' : 'dark';
    document.documentElement.dataset.theme = next;
    localStorage.setItem(THEME_KEY, next);
    sync();
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', sync);
}

/** Below 768 px the navigation folds behind the Menu button (style.css hides it). */
export function setupMenu(): void {
  const button = document.querySelector<HTMLButtonElement>('.menu-button');
  const nav = document.getElementById('site-nav');
  if (!button || !nav) return;
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    button.setAttribute('aria-expanded', String(open));
    nav.classList.toggle('open', open);
  });
}

/** Copies the block's code; the button says "Copied" (and is a real button, so keyboard works). */
export function setupCopyButtons(): void {
  document.addEventListener('click', (e) => {
    const button = (e.target as Element).closest?.<HTMLButtonElement>('button.copy-code');
    const code = button?.parentElement?.querySelector('pre');
    if (!button || !code) return;
    void copyText(code.textContent ?? '').then(
      () => flash(button, 'Copied'),
      () => flash(button, 'Copy failed'),
    );
  });
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard) return navigator.clipboard.writeText(text);
  // Without the async clipboard (http on a LAN address): the old select-and-copy.
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy refused');
}

function flash(button: HTMLButtonElement, text: string): void {
  button.textContent = text;
  button.dataset.state = text;
  setTimeout(() => {
    button.textContent = 'Copy';
    delete button.dataset.state;
  }, 2000);
}
