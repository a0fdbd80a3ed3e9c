// Bundles the interp CLI (apps/cli/src/bin.ts, source export conditions, tfjs and onnxruntime
// external) into apps/cli/node_modules/.cache/<name>.mjs, with the listed files as they were at
// <commit> (git show) and everything else as in the working tree: a before/after pair for one
// change, without the other commits made since.
// Usage: node bench/cli-bundle-at.mjs <name> [<commit> <file>...]  (prints the bundle's path)
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { filesAtCommit, loadEsbuild, SOURCE_BUNDLE } from './bundle-at.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [name, commit, ...files] = process.argv.slice(2);
if (name === undefined || (commit !== undefined && files.length === 0))
  throw new Error('usage: node bench/cli-bundle-at.mjs <name> [<commit> <file>...]');
const { build } = await loadEsbuild(root);
const overlay = filesAtCommit(root, commit, files);
const outfile = join(root, 'apps', 'cli', 'node_modules', '.cache', `${name}.mjs`);
await build({
  entryPoints: [join(root, 'apps', 'cli', 'src', 'bin.ts')],
  ...SOURCE_BUNDLE,
  outfile,
  plugins: [overlay],
});
console.log(outfile);
