// What the before/after benches share to bundle packages' sources with some files as they were at
// an earlier commit: the workspace's esbuild, and an esbuild plugin that serves those files from
// `git show <commit>:<file>` (everything else comes from the working tree).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';

/** esbuild options of every such bundle: Node ESM from the packages' sources, tfjs and onnxruntime external. */
export const SOURCE_BUNDLE = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  conditions: ['source'],
  external: ['@tensorflow/*', 'onnxruntime-*'],
  logLevel: 'warning',
};

/** The workspace's esbuild (`root`: the repository), as `import('esbuild')` would give it. */
export async function loadEsbuild(root) {
  const main = execFileSync(process.execPath, [
    '-e',
    `console.log(require.resolve('esbuild', { paths: [${JSON.stringify(root)}] }))`,
  ])
    .toString()
    .trim();
  return import(main);
}

/** An esbuild plugin loading each of `files` (paths from `root`) as at `commit`; none if no commit. */
export function filesAtCommit(root, commit, files) {
  const literal = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return {
    name: 'files-at-commit',
    setup(b) {
      if (!commit) return;
      for (const file of files) {
        const path = join(root, file);
        const contents = execFileSync('git', ['-C', root, 'show', `${commit}:${file}`], {
          encoding: 'utf8',
        });
        b.onLoad({ filter: new RegExp(`^${literal(path)}$`) }, () => ({
          contents,
          loader: 'ts',
          resolveDir: dirname(path),
        }));
      }
    },
  };
}
