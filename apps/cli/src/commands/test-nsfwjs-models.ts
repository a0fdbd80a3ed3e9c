// Helpers for the tests on npm's nsfwjs 4.3.0 pretrained models (excluded from the build: test-*.ts).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const script = join(ROOT, 'scripts/extract-nsfwjs-models.mjs');

/**
 * The model.json of each nsfwjs model by its folder name (mobilenet_v2, mobilenet_v2_mid,
 * inception_v3), extracted by scripts/extract-nsfwjs-models.mjs into a cache (never committed).
 */
export function nsfwjsModelPaths(): Record<string, string> {
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim().split('\n');
  return Object.fromEntries(out.map((p) => [p.split('/').at(-2)!, p]));
}

/** Total float32 weights the model.json's manifest declares. */
export function manifestFloats(modelPath: string): number {
  const json = JSON.parse(readFileSync(modelPath, 'utf8'));
  let total = 0;
  for (const g of json.weightsManifest) {
    for (const w of g.weights) {
      if (w.dtype === 'float32') total += w.shape.reduce((a: number, d: number) => a * d, 1);
    }
  }
  return total;
}
