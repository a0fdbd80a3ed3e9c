// Runs the live examples of a page on the WASM backend and reports the backend in the header.
import { type BackendInfo, getBackendInfo, setupBackend } from '@interp/core';

/** An example module: draws into `out`; resolves when done. */
export type Example = (out: HTMLElement) => Promise<void>;

const modules = import.meta.glob<{ default: Example }>('./examples/*.ts');

declare global {
  interface Window {
    /** What the page's examples run on (the browser tests read it). */
    getBackendInfo: () => BackendInfo;
    /** Resolves when every example that runs on load has finished (or failed). */
    examplesDone: Promise<void>;
  }
}

window.getBackendInfo = getBackendInfo;

let backend: Promise<BackendInfo> | undefined;

/** Starts the WASM backend once per page; the .wasm binaries are served from ./wasm/. */
function backendReady(): Promise<BackendInfo> {
  backend ??= setupBackend('wasm', { wasmPaths: new URL('wasm/', document.baseURI).href }).then(
    (info) => {
      const badge = document.getElementById('backend-badge');
      if (badge) {
        badge.textContent = `Backend: ${info.backend}${info.backend === 'wasm' ? `, SIMD ${info.simd ? 'on' : 'off'}` : ''}`;
      }
      document.documentElement.dataset.backend = info.backend;
      document.documentElement.dataset.simd = String(info.simd);
      return info;
    },
  );
  return backend;
}

async function runExample(section: HTMLElement): Promise<void> {
  const name = section.dataset.example!;
  const out = section.querySelector<HTMLElement>('.example-output')!;
  const load = modules[`./examples/${name}.ts`];
  section.dataset.status = 'running';
  out.setAttribute('aria-busy', 'true');
  try {
    if (!load) throw new Error(`no example named ${name}`);
    // The example's module loads while the backend starts (the landing page's hero is timed).
    const [, { default: run }] = await Promise.all([backendReady(), load()]);
    await run(out);
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
  // Pages with examples start the backend at once, so getBackendInfo() is ready with them.
  if (sections.length) onLoad.push(backendReady().then(() => undefined));
  return Promise.all(onLoad).then(() => undefined);
}

window.examplesDone = start();
