// Every ```ts block of the guides is a program a user can copy: it imports only published
// packages, typechecks under strict tsc against the workspace packages, and runs: in Node, or
// in Chromium when marked `browser` (`no-run` blocks are only typechecked). A failing snippet
// fails here with its guide and line.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractSnippets, parseSnippets, snippetDefaults } from '../scripts/extract-snippets.mjs';
import { startStaticServer } from '../scripts/static-server.mjs';
import { tscErrors } from './tsc.js';

interface Snippet {
  guide: string;
  line: number;
  kind: 'node' | 'browser' | 'no-run';
  file: string;
}

const appDir = join(import.meta.dirname, '..');
const outDir = snippetDefaults.outDir;
const RUN_TIMEOUT_MS = 60_000;
const PARALLEL_RUNS = 2; // the machine is small; two Node processes at a time
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PUBLISHED =
  /^(@interp\/(?!example-data)[a-z-]+(\/[a-z-]+)?|@tensorflow\/tfjs-[a-z-]+|node:[a-z/]+)$/;

let snippets: Snippet[] = [];
beforeAll(() => {
  snippets = extractSnippets() as Snippet[];
});

const where = (s: Snippet, lineInFile = 0) => `${s.guide}:${s.line + lineInFile}`;

describe('parseSnippets', () => {
  it('finds ts blocks with their kind and fence line, and skips other languages', () => {
    const md = [
      '# t',
      '```sh',
      'npm i x',
      '```',
      '```ts browser',
      'a;',
      '```',
      '```ts',
      'b;',
      '```',
    ];
    expect(parseSnippets(md.join('\n'), 'docs/t.md')).toEqual([
      { line: 5, kind: 'browser', code: 'a;' },
      { line: 8, kind: 'node', code: 'b;' },
    ]);
  });

  it('refuses an unknown kind and an unclosed block, naming the guide and line', () => {
    expect(() => parseSnippets('x\n```ts runs\na;\n```', 'docs/t.md')).toThrow(
      /docs\/t\.md:2: unknown snippet kind "runs"/,
    );
    expect(() => parseSnippets('```ts\na;', 'docs/t.md')).toThrow(
      /docs\/t\.md:1: code block never closed/,
    );
  });
});

describe('guide snippets', () => {
  it('import only published packages (@interp/*, tfjs, node:)', async () => {
    const { readFileSync } = await import('node:fs');
    const bad: string[] = [];
    for (const s of snippets) {
      const code = readFileSync(join(outDir, s.file), 'utf8');
      for (const m of code.matchAll(/^\s*(?:import|export)[^'"]*?from\s+'([^']+)'/gm)) {
        if (!PUBLISHED.test(m[1] ?? '')) bad.push(`${where(s)}: imports '${m[1]}'`);
      }
    }
    expect(snippets.length).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });

  it('typecheck under strict tsc against the workspace packages (one run)', async () => {
    const result = await tscErrors(join(appDir, 'snippets.tsconfig.json'));
    const byFile = new Map(snippets.map((s) => [s.file, s]));
    const errors = result.map((l) => {
      const m = /snippets\/([^(]+)\((\d+),\d+\): (.*)$/.exec(l);
      const s = m ? byFile.get(m[1] ?? '') : undefined;
      return s && m ? `${where(s, Number(m[2]))}: ${m[3]}` : l;
    });
    expect(errors).toEqual([]);
  });

  it('run in Node (the blocks not marked browser or no-run)', async () => {
    const runnable = snippets.filter((s) => s.kind === 'node');
    const bundleDir = join(outDir, 'bundled');
    // @interp/* is bundled from its sources (no build needed); everything else stays external,
    // resolved to its real path so tfjs and the packages' own dependencies load once, from disk.
    await build({
      entryPoints: runnable.map((s) => join(outDir, s.file)),
      outdir: bundleDir,
      outExtension: { '.js': '.mjs' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['source'],
      logLevel: 'silent',
      plugins: [
        {
          name: 'external-dependencies',
          setup(b) {
            b.onResolve({ filter: /^[^./]/ }, async (args) => {
              if (args.pluginData === 'inner' || args.path.startsWith('@interp/')) return undefined;
              const bare = args.path.replace(/^node:/, '');
              if (builtinModules.includes(bare.split('/')[0] ?? '')) return { external: true };
              const r = await b.resolve(args.path, {
                kind: args.kind,
                resolveDir: args.resolveDir,
                importer: args.importer,
                pluginData: 'inner',
              });
              return r.errors.length > 0 ? { errors: r.errors } : { path: r.path, external: true };
            });
          },
        },
      ],
    });
    const failures: string[] = [];
    const queue = [...runnable];
    const worker = async () => {
      for (let s = queue.shift(); s; s = queue.shift()) {
        const failure = await runNode(join(bundleDir, s.file.replace(/\.ts$/, '.mjs')));
        if (failure) failures.push(`${where(s)} (${s.file}): ${failure}`);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL_RUNS }, worker));
    expect(failures).toEqual([]);
  });

  it('run in Chromium (the blocks marked browser), on a page served as the docs site is', async () => {
    const browserOnes = snippets.filter((s) => s.kind === 'browser');
    const siteDir = join(outDir, 'browser');
    mkdirSync(join(siteDir, 'wasm'), { recursive: true });
    // What the snippets expect the page to serve: the tfjs .wasm files under /wasm/, the
    // PyTorch guide's ONNX export at /digits-cnn.onnx, and an element with id "out".
    const require = createRequire(join(appDir, 'package.json'));
    const wasmDir = join(
      dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
      'dist',
    );
    for (const f of [
      'tfjs-backend-wasm.wasm',
      'tfjs-backend-wasm-simd.wasm',
      'tfjs-backend-wasm-threaded-simd.wasm',
    ]) {
      copyFileSync(join(wasmDir, f), join(siteDir, 'wasm', f));
    }
    copyFileSync(
      join(appDir, 'src', 'assets', 'digits-cnn.onnx'),
      join(siteDir, 'digits-cnn.onnx'),
    );
    writeFileSync(
      join(siteDir, 'index.html'),
      `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><div id="out"></div><script type="module">
import(new URLSearchParams(location.search).get('s')).then(
  () => { window.snippetDone = 'ok'; },
  (e) => { window.snippetDone = 'error: ' + (e && e.stack ? e.stack : String(e)); });
</script>`,
    );
    await build({
      entryPoints: browserOnes.map((s) => join(outDir, s.file)),
      outdir: siteDir,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      target: 'es2022',
      conditions: ['source'],
      logLevel: 'silent',
      plugins: [
        {
          // Node built-ins (read from files in Node only, e.g. @interp/onnx) as empty modules,
          // as Vite does for the site.
          name: 'node-builtins-empty',
          setup(b) {
            b.onResolve(
              { filter: /^node:|^(fs|path|url|worker_threads|perf_hooks|os|crypto)$/ },
              (a) => ({
                path: a.path,
                namespace: 'empty',
              }),
            );
            b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({
              // CommonJS, so named imports bind (to undefined) instead of failing the build.
              contents: 'module.exports = {};',
            }));
          },
        },
      ],
    });
    const server = await startStaticServer(siteDir);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const failures: string[] = [];
    try {
      for (const s of browserOnes) {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('console', (m) => {
          if (m.type() === 'error') errors.push(m.text());
        });
        await page.goto(`${server.url}index.html?s=./${s.file.replace(/\.ts$/, '.js')}`);
        const done = await page
          .waitForFunction(() => (window as { snippetDone?: string }).snippetDone, undefined, {
            timeout: RUN_TIMEOUT_MS,
          })
          .then((h) => h.jsonValue() as Promise<string>)
          .catch(() => `timed out after ${RUN_TIMEOUT_MS} ms`);
        if (done !== 'ok' || errors.length > 0) {
          failures.push(
            `${where(s)} (${s.file}): ${done}${errors.length ? `; console: ${errors.join(' | ')}` : ''}`,
          );
        }
        await page.close();
      }
    } finally {
      await browser.close();
      await server.close();
    }
    expect(browserOnes.length).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });
});

/** Runs a bundled snippet in a fresh Node process (cwd: a scratch folder for files it writes). */
function runNode(file: string): Promise<string | undefined> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [file], { cwd: join(outDir, 'bundled') });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdout.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) done(undefined);
      else
        done(
          `${signal ? `killed (${signal}, over ${RUN_TIMEOUT_MS} ms)` : `exit ${code}`}: ${stderr.slice(0, 1200)}`,
        );
    });
  });
}
