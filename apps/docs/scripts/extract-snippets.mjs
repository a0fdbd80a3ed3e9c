// Extracts every ```ts block of the guides (docs/*.md) into its own file, so the snippets a user
// copies are typechecked (snippets.tsconfig.json) and run (test/snippets.test.ts) like programs.
//   node scripts/extract-snippets.mjs   -> test-output/snippets/<guide>-<line>.ts + manifest.json
// The fence's info string says what a block is:
//   ```ts           a Node program: typechecked and run
//   ```ts browser   needs a DOM: typechecked, and run in Chromium on a page that serves the
//                   tfjs .wasm files at /wasm/ and has an element #out
//   ```ts no-run    cannot run by itself (say why beside it): typechecked only
// The file holds the block's lines unchanged, so line k of the file is line `line + k` of the guide.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
export const snippetDefaults = Object.freeze({
  docsDir: join(appDir, '..', '..', 'docs'),
  outDir: join(appDir, 'test-output', 'snippets'),
});
const KINDS = ['node', 'browser', 'no-run'];

/**
 * The ```ts blocks of one markdown text: `{ line, kind, code }`, `line` being the 1-based line
 * of the opening fence. An unknown kind after `ts` throws, naming the file and line.
 * @param {string} markdown
 * @param {string} guide file name, for messages
 */
export function parseSnippets(markdown, guide) {
  const lines = markdown.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++;
    if (end === lines.length) throw new Error(`${guide}:${i + 1}: code block never closed`);
    if (open[1] === 'ts' || open[1] === 'typescript') {
      const kind = open[2].trim() || 'node';
      if (!KINDS.includes(kind)) {
        throw new Error(
          `${guide}:${i + 1}: unknown snippet kind "${kind}" (use ${KINDS.join(', ')})`,
        );
      }
      out.push({ line: i + 1, kind, code: lines.slice(i + 1, end).join('\n') });
    }
    i = end;
  }
  return out;
}

/**
 * Writes every guide's snippets to `outDir` (emptied first) with a manifest.json, and returns
 * the manifest: `[{ guide, line, kind, file }]`, `file` relative to `outDir`.
 * @param {{ docsDir?: string, outDir?: string }} [options]
 */
export function extractSnippets({
  docsDir = snippetDefaults.docsDir,
  outDir = snippetDefaults.outDir,
} = {}) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const manifest = [];
  for (const name of readdirSync(docsDir)
    .filter((f) => f.endsWith('.md'))
    .sort()) {
    const guide = `docs/${name}`;
    for (const s of parseSnippets(readFileSync(join(docsDir, name), 'utf8'), guide)) {
      const file = `${name.replace(/\.md$/, '')}-${s.line}.ts`;
      // `export {}` keeps a block without imports a module (top-level await, its own scope); it
      // goes on the last line so the line numbers still match the guide's.
      writeFileSync(join(outDir, file), `${s.code}\nexport {};\n`);
      manifest.push({ guide, line: s.line, kind: s.kind, file });
    }
  }
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const manifest = extractSnippets();
  console.log(`${manifest.length} snippets in ${snippetDefaults.outDir}`);
}
