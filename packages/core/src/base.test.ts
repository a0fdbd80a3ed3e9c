import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// base.ts bundled as Node would load the published package (tfjs external, the lazy import kept
// as its own chunk), then imported by a Node process whose resolve hook fails any @tensorflow
// import, the way apps/cli checks its report commands.
const here = dirname(fileURLToPath(import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'interp-base-'));
  await build({
    entryPoints: { base: join(here, 'base.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    outdir: dir,
    external: ['@tensorflow/*'],
    logLevel: 'silent',
  });
  writeFileSync(
    join(dir, 'no-tfjs-hooks.mjs'),
    "export async function resolve(s, c, next) { if (s.startsWith('@tensorflow/')) throw new Error('tfjs loaded: ' + s); return next(s, c); }\n",
  );
  writeFileSync(
    join(dir, 'no-tfjs.mjs'),
    "import { register } from 'node:module';\nregister('./no-tfjs-hooks.mjs', import.meta.url);\n",
  );
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runWithoutTfjs(script: string): { code: number | null; stdout: string; stderr: string } {
  writeFileSync(join(dir, 'script.mjs'), script);
  const r = spawnSync(
    process.execPath,
    ['--import', join(dir, 'no-tfjs.mjs'), join(dir, 'script.mjs')],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('@interp/core/base', () => {
  it('loads no tfjs: Interpretation, InterpError and the class helpers work with tfjs blocked', () => {
    const r = runWithoutTfjs(`
      import { Interpretation, InterpError, classNames, classCount, PROBABILITY_EPSILON } from './base.js';
      const interp = new Interpretation({
        targs: { data: Int32Array.of(0, 1, 2), shape: [3] },
        decoded: { data: Int32Array.of(0, 2, 2), shape: [3] },
        losses: Float32Array.of(0.5, 3, 1),
      });
      const top = interp.topLosses(2);
      console.log(JSON.stringify([Array.from(top.indices), classNames(undefined, classCount([interp.targs.data])), PROBABILITY_EPSILON, new InterpError('IO', 'x').code]));
    `);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([[1, 2], ['0', '1', '2'], 1e-12, 'IO']);
  });

  it('loads tfjs only when fromLearner runs (the hook does catch it there)', () => {
    const r = runWithoutTfjs(`
      import { Interpretation } from './base.js';
      await Interpretation.fromLearner({}).then(
        () => console.log('no error'),
        (e) => console.log(e.message),
      );
    `);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/tfjs loaded: @tensorflow\/tfjs-core/);
  });
});
