// The live examples' sources, as each page shows them, are programs a user can paste into a
// project: top-level code drawing into the element with id "out" (no `run(out)` wrapper), that
// imports only published packages (no site-internal module, no @interp/example-data) and
// typechecks under strict tsc on its own. NAME.worker.ts is example NAME's Web Worker, shown
// beside it: the one relative file an example may name.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tscErrors } from './tsc.js';

const appDir = join(import.meta.dirname, '..');
const examplesDir = join(appDir, 'src', 'examples');
const siteDir = join(appDir, 'dist', 'site');
const PUBLISHED =
  /^(@interp\/(?!example-data)[a-z-]+(\/[a-z-]+)?|@tensorflow\/tfjs-[a-z-]+|comlink)$/;
const OUT_GUARD =
  /const out = document\.querySelector<HTMLElement>\('#out'\);\nif \(!out\) throw new Error\(/;

const files = readdirSync(examplesDir)
  .filter((f) => f.endsWith('.ts'))
  .sort();

/**
 * What keeps `source` (the file `file` of src/examples) from being a program a user can copy:
 * one line per problem, empty when there is none.
 */
function problems(file: string, source: string): string[] {
  const found: string[] = [];
  const worker = file.replace(/(\.worker)?\.ts$/, '.worker');
  const imports = [
    ...source.matchAll(/^\s*(?:import|export)\b([^'"]*?)\bfrom\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/^\s*import()\s+['"]([^'"]+)['"]/gm),
    ...source.matchAll(/\bimport()\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => ({ typeOnly: /^\s+type\b/.test(m[1] ?? ''), specifier: m[2] ?? '' }));
  for (const { typeOnly, specifier } of imports) {
    // The worker's API type, from the worker shown beside it (erased from the running code).
    const companion = typeOnly && specifier === `./${worker}.js`;
    if (!PUBLISHED.test(specifier) && !companion) found.push(`${file}: imports '${specifier}'`);
  }
  for (const m of source.matchAll(/new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g)) {
    if (m[1] !== `./${worker}.ts`) found.push(`${file}: refers to the file '${m[1]}'`);
  }
  if (/\bexport\s+default\b/.test(source)) found.push(`${file}: has a default export`);
  if (/\bfunction\s+run\s*\(|\brun\(out\b/.test(source))
    found.push(`${file}: wraps it in run(out)`);
  if (/querySelector[^;\n]*\)!/.test(source)) found.push(`${file}: asserts a query non-null (!)`);
  if (!file.endsWith('.worker.ts') && !OUT_GUARD.test(source)) {
    found.push(`${file}: does not draw into document.querySelector<HTMLElement>('#out') (guarded)`);
  }
  return found;
}

describe('the check', () => {
  it('passes a program and names what a wrapped, site-internal example gets wrong', () => {
    const program = [
      "import { summary } from '@interp/debug';",
      "import type { MnistTrainer } from './demo.worker.js';",
      "const out = document.querySelector<HTMLElement>('#out');",
      'if (!out) throw new Error(\'the page needs an element with id "out"\');',
      "const worker = new Worker(new URL('./demo.worker.ts', import.meta.url));",
    ].join('\n');
    expect(problems('demo.ts', program)).toEqual([]);
    // The shape of the examples before: a run(out) module on the site's own modules.
    const wrapped = [
      "import { mnistCnn } from '../models.js';",
      "import { loadMnist } from '@interp/example-data';",
      "const w = await import('../model-weights.js');",
      "const url = new URL('../assets/hero.bin', import.meta.url);",
      'export default async function run(out: HTMLElement): Promise<void> {',
      "  document.querySelector<HTMLElement>('#x')!.append(out);",
      '}',
    ].join('\n');
    expect(problems('demo.ts', wrapped)).toEqual([
      "demo.ts: imports '../models.js'",
      "demo.ts: imports '@interp/example-data'",
      "demo.ts: imports '../model-weights.js'",
      "demo.ts: refers to the file '../assets/hero.bin'",
      'demo.ts: has a default export',
      'demo.ts: wraps it in run(out)',
      'demo.ts: asserts a query non-null (!)',
      "demo.ts: does not draw into document.querySelector<HTMLElement>('#out') (guarded)",
    ]);
    // A worker of another example is no companion.
    expect(problems('demo.ts', program.replaceAll('demo.worker', 'other.worker'))).toEqual([
      "demo.ts: imports './other.worker.js'",
      "demo.ts: refers to the file './other.worker.ts'",
    ]);
  });
});

describe('the examples', () => {
  it('are programs: top-level code on #out, published packages only', () => {
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) => problems(f, readFileSync(join(examplesDir, f), 'utf8')));
    expect(found).toEqual([]);
  });

  it('typecheck under strict tsc, copied away from the site (one run)', async () => {
    // A folder of their own: a relative import of a site module would not resolve there.
    const dir = join(appDir, 'test-output', 'example-sources');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const f of files) writeFileSync(join(dir, f), readFileSync(join(examplesDir, f)));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ extends: '../../snippets.tsconfig.json', include: ['*.ts'] }),
    );
    expect(await tscErrors(join(dir, 'tsconfig.json'))).toEqual([]);
  });

  it('are shown on the pages exactly as they are in src/examples', () => {
    if (!existsSync(join(siteDir, 'index.html'))) {
      execFileSync(process.execPath, [join(appDir, 'scripts', 'build-site.mjs')], {
        stdio: 'inherit',
      });
    }
    const shown = new Map<string, string>();
    for (const page of readdirSync(siteDir).filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(join(siteDir, page), 'utf8');
      for (const m of html.matchAll(
        /<details class="example-source"><summary>Source: <code>([^<]+)<\/code><\/summary>([\s\S]*?)<\/details>/g,
      )) {
        // The code block (what its Copy button copies), not the button.
        shown.set(m[1] ?? '', textOf(/<pre[^>]*>([\s\S]*)<\/pre>/.exec(m[2] ?? '')?.[1] ?? ''));
      }
    }
    // Every example file is shown (workers beside their example), and shown unchanged.
    expect([...shown.keys()].sort()).toEqual(files);
    for (const f of files) {
      expect(shown.get(f), f).toBe(readFileSync(join(examplesDir, f), 'utf8').trimEnd());
    }
  });
});

/** The text of highlighted HTML: tags dropped, entities decoded. */
function textOf(html: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, e: string) =>
      e.startsWith('#x') || e.startsWith('#X')
        ? String.fromCodePoint(Number.parseInt(e.slice(2), 16))
        : e.startsWith('#')
          ? String.fromCodePoint(Number(e.slice(1)))
          : (named[e] ?? whole),
    );
}
