// The page runtime: page chrome (theme, menu, copy, search) and the live examples. The tfjs
// backend is a dynamic import, started only for examples that need it (data-backend="none"
// marks the ones that do not), so pages without a model never load tfjs or any .wasm.
import type { BackendInfo } from '@interp/core';
import { setupCopyButtons, setupMenu, setupThemeToggle } from './site-chrome.js';
import { setupSearch } from './site-search.js';

/**
 * The examples are programs (the code each page shows, as a user would paste it): each draws into
 * the element with id "out", and importing its module runs it (its top-level await included).
 * NAME.worker.ts is the Web Worker of example NAME, not an example.
 */
const modules = import.meta.glob(['./examples/*.ts', '!./examples/*.worker.ts']);

declare global {
  interface Window {
    /** What the page's examples run on (set once the backend starts; the browser tests read it). */
    getBackendInfo: () => BackendInfo;
    /** Resolves when every example that runs on load has finished (or failed). */
    examplesDone: Promise<void>;
  }
}

let backend: Promise<BackendInfo> | undefined;

function backendReady(): Promise<BackendInfo> {
  backend ??= import('./site-backend.js').then((m) => m.startBackend());
  return backend;
}

/** The skeleton and "Loading…" that stand in the output until the example draws. */
function showLoading(out: HTMLElement): () => void {
  let placeholder = out.querySelector('.example-loading');
  if (!placeholder) {
    placeholder = document.createElement('div');
    placeholder.className = 'example-loading';
    placeholder.setAttribute('role', 'status');
    placeholder.innerHTML =
      '<div class="skeleton" aria-hidden="true"></div><div class="skeleton short" aria-hidden="true"></div><span>Loading…</span>';
    out.prepend(placeholder);
  }
  const remove = () => {
    observer.disconnect();
    placeholder.remove();
  };
  // It goes as soon as the example adds its first element (long examples draw progress early).
  const observer = new MutationObserver(() => {
    if (out.childElementCount > 1) remove();
  });
  observer.observe(out, { childList: true });
  return remove;
}

// One example at a time: the box it draws into holds the id "out" while its program runs.
let running: Promise<void> = Promise.resolve();

function runExample(section: HTMLElement): Promise<void> {
  running = running.then(() => runProgram(section));
  return running;
}

async function runProgram(section: HTMLElement): Promise<void> {
  const name = section.dataset.example!;
  const out = section.querySelector<HTMLElement>('.example-output')!;
  const load = modules[`./examples/${name}.ts`];
  section.dataset.status = 'running';
  out.setAttribute('aria-busy', 'true');
  const loaded = showLoading(out);
  try {
    if (!load) throw new Error(`no example named ${name}`);
    // The program runs as its module loads, so the backend comes first.
    if (section.dataset.backend !== 'none') await backendReady();
    out.id = 'out';
    await load();
    section.dataset.status = 'done';
  } catch (e) {
    section.dataset.status = 'error';
    const p = document.createElement('p');
    p.className = 'example-error';
    p.setAttribute('role', 'alert');
    p.textContent = `This example failed: ${(e as Error).message}`;
    out.append(p);
    console.error(e);
  } finally {
    out.removeAttribute('id');
    loaded();
    out.removeAttribute('aria-busy');
  }
}

function start(): Promise<void> {
  const sections = Array.from(document.querySelectorAll<HTMLElement>('section[data-example]'));
  const onLoad: Promise<void>[] = [];
  for (const section of sections) {
    if (section.dataset.run === 'button') {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'run-example';
      button.textContent = section.dataset.label ?? 'Run this example';
      button.addEventListener('click', () => {
        button.disabled = true;
        void runExample(section);
      });
      section.querySelector('.example-output')!.before(button);
      section.dataset.status = 'idle';
    } else {
      onLoad.push(runExample(section));
    }
  }
  // Pages with a model start the backend at once, so getBackendInfo() is ready with them.
  if (sections.some((s) => s.dataset.backend !== 'none')) {
    onLoad.push(backendReady().then(() => undefined));
  }
  return Promise.all(onLoad).then(() => undefined);
}

setupThemeToggle();
setupMenu();
setupCopyButtons();
setupSearch();
window.examplesDone = start();
