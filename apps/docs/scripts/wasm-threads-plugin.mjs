// A Vite plugin that lets tfjs-backend-wasm's threaded build start its workers once bundled.
//
// tfjs starts each WASM thread's worker with `"var WasmBackendModuleThreadedSimd = " +
// factory.toString()`, so the factory must not refer to anything outside itself. Emscripten's
// factory reads the closure variable `_scriptDir` behind a `typeof _scriptDir !== "undefined"`
// guard; the minifier sees the variable declared and drops the guard, and in the worker, where
// the closure does not exist, the bare name throws ("e is not defined") and the backend never
// finishes starting. In the browser the line only matters for classic <script> tags (for the
// module scripts of this site `document.currentScript` is null and a worker's location is a
// blob: URL, so `scriptDirectory` stays ""), so removing it before minification changes nothing
// else. Cross-origin isolation (COOP + COEP, see static-server.mjs) is what enables threads.
const FILE = /tfjs-backend-wasm-threaded-simd\.js$/;
const GUARDED_READ =
  'if(typeof _scriptDir !== "undefined" && _scriptDir){scriptDirectory=_scriptDir}';

/** @returns {import('vite').Plugin} */
export function wasmThreadsPlugin() {
  return {
    name: 'interp-wasm-threads',
    transform(code, id) {
      if (!FILE.test(id)) return null;
      if (!code.includes(GUARDED_READ)) {
        this.warn(
          `${id}: the _scriptDir read to remove was not found (tfjs changed?); threaded WASM may fail in workers`,
        );
        return null;
      }
      return { code: code.replace(GUARDED_READ, ''), map: null };
    },
  };
}
