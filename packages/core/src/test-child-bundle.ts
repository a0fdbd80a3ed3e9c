import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * For a test file whose checks must run in a child Node process (WASM pthread workers would keep
 * vitest's worker alive): bundles core's `entry` (e.g. `backend.ts`) as Node loads the published
 * package (tfjs external, resolved from core's node_modules) into a temporary folder before the
 * file's tests, removes it after them, and runs a script there, which imports `./<name>.js`.
 *
 * @example
 * ```ts
 * const child = childBundle('backend.ts', 'backend');
 * it('runs', () => expect(child.run(`import './backend.js';`).status).toBe(0));
 * ```
 */
export function childBundle(
  entry: string,
  name: string,
): {
  run(script: string): SpawnSyncReturns<string>;
} {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(here, '..', 'node_modules', `.${name}-child-test-`));
    await build({
      entryPoints: { [name]: join(here, entry) },
      bundle: true,
      format: 'esm',
      platform: 'node',
      outdir: dir,
      external: ['@tensorflow/*'],
      logLevel: 'silent',
    });
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    run(script) {
      writeFileSync(join(dir, 'run.mjs'), script);
      return spawnSync(process.execPath, [join(dir, 'run.mjs')], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 90_000,
        maxBuffer: 2 ** 26,
      });
    },
  };
}
