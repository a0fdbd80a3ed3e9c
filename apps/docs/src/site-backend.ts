// The tfjs backend of the pages that run a model, imported dynamically by main.ts so pages whose
// examples need no model load neither tfjs nor any .wasm.
import { type BackendInfo, getBackendInfo, setupBackend } from '@interp/core';

/**
 * Starts the WASM backend (binaries served from ./wasm/), exposes `window.getBackendInfo` for the
 * tests and shows what the page got (backend, SIMD, threads) in the status line.
 */
export async function startBackend(): Promise<BackendInfo> {
  window.getBackendInfo = getBackendInfo;
  const info = await setupBackend('wasm', { wasmPaths: new URL('wasm/', document.baseURI).href });
  const badge = document.getElementById('backend-badge');
  if (badge) {
    badge.textContent = backendLine(info);
    badge.hidden = false;
  }
  document.documentElement.dataset.backend = info.backend;
  document.documentElement.dataset.simd = String(info.simd);
  return info;
}

/** For example "Backend: wasm · SIMD yes · 1 thread". */
export function backendLine(info: BackendInfo): string {
  const threads = `${info.threadCount} thread${info.threadCount === 1 ? '' : 's'}`;
  return `Backend: ${info.backend}${info.fellBack ? ' (fallback)' : ''} · SIMD ${info.simd ? 'yes' : 'no'} · ${threads}`;
}
