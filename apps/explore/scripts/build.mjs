// Builds the explore page into apps/explore/dist (base './': it works from any folder, served by
// `interp explore` or as a static site). The tfjs WASM binaries are copied beside it (wasm/).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const appDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const publicDir = mkdtempSync(join(tmpdir(), 'interp-explore-public-'));
try {
  mkdirSync(join(publicDir, 'wasm'));
  const wasm = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const f of [
    'tfjs-backend-wasm.wasm',
    'tfjs-backend-wasm-simd.wasm',
    'tfjs-backend-wasm-threaded-simd.wasm',
  ]) {
    copyFileSync(join(wasm, f), join(publicDir, 'wasm', f));
  }
  await build({
    configFile: false,
    root: appDir,
    base: './',
    publicDir,
    logLevel: 'warn',
    // The workspace packages from their sources: the page builds without their dist/ folders.
    resolve: { conditions: ['source', 'module', 'browser', 'production', 'default'] },
    build: {
      outDir: join(appDir, 'dist'),
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 4096,
      // Core names a metric by its function's name.
      rolldownOptions: { output: { keepNames: true } },
    },
  });
} finally {
  rmSync(publicDir, { recursive: true, force: true });
}
