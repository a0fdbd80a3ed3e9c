// Bundles the built CLI (dist/main.js, with the @interp packages it imports) into dist/bundle.mjs
// and its lazily loaded chunks (dist/chunks/), which dist/bin.js runs when they are there. Node 20
// loads the unbundled CLI's ~280 ES modules one file at a time: ~0.2 s of each `interp attribute`
// process before any work (bench/cli-fixed-cost.bench.mjs, dist vs bundled arms). tfjs stays
// external (its Node builds find their .wasm files beside them), as does @interp/example-data
// (it finds its data files from its own module URL). Without esbuild (outside the workspace) the
// CLI still builds and runs unbundled.
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const cliDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(cliDir, 'dist');
rmSync(join(dist, 'bundle.mjs'), { force: true });
rmSync(join(dist, 'bundle-inputs.json'), { force: true });
rmSync(join(dist, 'chunks'), { recursive: true, force: true });
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.log('interp: esbuild not found; the CLI runs unbundled (dist/main.js)');
  process.exit(0);
}
const result = await esbuild.build({
  absWorkingDir: cliDir,
  metafile: true,
  entryPoints: { bundle: join(dist, 'main.js') },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: dist,
  outExtension: { '.js': '.mjs' },
  // Chunks sit one folder below dist/, as dist/commands/*.js do: the explore command finds its
  // page from its own module URL at that depth.
  chunkNames: 'chunks/[name]-[hash]',
  external: ['@tensorflow/*', 'onnxruntime-*', '@interp/example-data'],
  // CommonJS dependencies (pngjs, protobufjs) require Node's modules: give every file a require.
  banner: {
    js: "import { createRequire as __interpRequire } from 'node:module'; const require = __interpRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
// One bundled module of each workspace package (paths from dist/): bin.js runs the bundle only
// while none of them is newer than it, so a package rebuilt alone (or tsc alone) is never run
// stale. One per package suffices: tsc rewrites every file it emits at each build.
const inputs = new Map();
for (const file of Object.keys(result.metafile.inputs)) {
  const path = resolve(cliDir, file);
  const pkg = path.includes('node_modules') ? undefined : /^(.*?)[\\/]dist[\\/]/.exec(path)?.[1];
  if (pkg !== undefined && !inputs.has(pkg)) inputs.set(pkg, relative(dist, path));
}
writeFileSync(join(dist, 'bundle-inputs.json'), `${JSON.stringify([...inputs.values()])}\n`);
