#!/usr/bin/env node
// Writes the pretrained models that npm's nsfwjs 4.3.0 (MIT) ships as UMD JS files as standard
// tfjs model folders (model.json + group1-shardNofM.bin), so `interp --model DIR/model.json`, the
// bench and the tests load them like any published model. Output is a cache: never commit it.
//
//   node scripts/extract-nsfwjs-models.mjs [OUT_DIR]   (default: node_modules/.cache/interp-nsfwjs)
//
// Prints OUT_DIR/<name>/model.json for mobilenet_v2, mobilenet_v2_mid (a GraphModel) and
// inception_v3. Files already extracted are kept.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The model folders nsfwjs ships, in the order the tests use them. */
export const NSFWJS_MODELS = ['mobilenet_v2', 'mobilenet_v2_mid', 'inception_v3'];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Extracts every model (if not already there) and returns { name: path of model.json }. */
export function extractNsfwjsModels(outDir = join(root, 'node_modules/.cache/interp-nsfwjs')) {
  const require = createRequire(join(root, 'package.json'));
  const src = join(packageDir(require.resolve('nsfwjs')), 'dist/models');
  const paths = {};
  for (const name of NSFWJS_MODELS) {
    const dir = join(outDir, name);
    const modelPath = join(dir, 'model.json');
    paths[name] = modelPath;
    if (existsSync(modelPath)) continue;
    mkdirSync(dir, { recursive: true });
    const model = require(join(src, name, 'model.min.js'));
    for (const file of readdirSync(join(src, name))) {
      const m = /^(group\d+-shard\d+of\d+)\.min\.js$/.exec(file);
      if (!m) continue;
      const base64 = require(join(src, name, file));
      writeFileSync(join(dir, `${m[1]}.bin`), Buffer.from(base64, 'base64'));
    }
    // nsfwjs's manifest names the shards without an extension; the files here end in .bin.
    const json = {
      ...model,
      weightsManifest: model.weightsManifest.map((g) => ({
        ...g,
        paths: g.paths.map((p) => (p.endsWith('.bin') ? p : `${p}.bin`)),
      })),
    };
    // model.json last: its presence marks a complete extraction.
    writeFileSync(modelPath, JSON.stringify(json));
  }
  return paths;
}

/** The nsfwjs folder (its exports hide package.json): up from its entry to dist's parent. */
function packageDir(entry) {
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'dist/models')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const paths = extractNsfwjsModels(process.argv[2] ? resolve(process.argv[2]) : undefined);
  for (const p of Object.values(paths)) console.log(p);
}
