// The pretrained models npm's nsfwjs 4.3.0 ships (MIT), extracted to model.json + .bin by
// scripts/extract-nsfwjs-models.mjs into a cache (never committed): the MobileNetV2 GraphModel
// and LayersModel load, summarize and explain through the CLI in-process. InceptionV3 (299 px,
// slower) runs in the opt-in INTERP_NSFWJS_ALL=1 case.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../io/npy.js';
import { tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const script = join(ROOT, 'scripts/extract-nsfwjs-models.mjs');
const paths = (): Record<string, string> => {
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8' }).trim().split('\n');
  return Object.fromEntries(out.map((p) => [p.split('/').at(-2)!, p]));
};

/** A smooth, non-constant test image in [0, 1] (no data set needed). */
function imageNpy(dir: string, size: number): string {
  const data = new Float32Array(size * size * 3);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      for (let c = 0; c < 3; c++) {
        data[(i * size + j) * 3 + c] = 0.5 + 0.5 * Math.sin((i * (c + 1)) / 17 + j / 23);
      }
    }
  }
  const file = join(dir, `image-${size}.npy`);
  writeFileSync(file, encodeNpy(data, [1, size, size, 3]));
  return file;
}

/** Total float32 weights the model.json's manifest declares. */
function manifestFloats(modelPath: string): number {
  const json = JSON.parse(readFileSync(modelPath, 'utf8'));
  let total = 0;
  for (const g of json.weightsManifest) {
    for (const w of g.weights) {
      if (w.dtype === 'float32') total += w.shape.reduce((a: number, d: number) => a * d, 1);
    }
  }
  return total;
}

describe('nsfwjs pretrained models through the CLI', () => {
  const models = paths();
  const dir = tempDir('interp-nsfwjs-');

  it('summarizes the MobileNetV2 GraphModel: ops, shapes, params adding up to the manifest', async () => {
    const model = models.mobilenet_v2_mid!;
    const r = await runMain(['summary', '--model', model, '--json'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.totalParams).toBe(manifestFloats(model));
    const ops = new Set(s.layers.map((l: { type: string }) => l.type));
    for (const op of ['_FusedConv2D', 'FusedDepthwiseConv2dNative', 'AddV2', 'Softmax']) {
      expect(ops.has(op)).toBe(true);
    }
    expect(s.layers.at(-1).outputShape).toEqual([null, 5]);
  }, 60_000);

  it('explains the GraphModel with saliency and GradCAM (default node has 7 x 7 structure)', async () => {
    const model = models.mobilenet_v2_mid!;
    const x = imageNpy(dir, 224);
    const sal = await runMain(
      ['attribute', '--model', model, '--input', x, '--method', 'saliency', '--json'],
      dir,
    );
    expect(sal.stderr).toBe('');
    const a = JSON.parse(sal.stdout).attributions.flat(Infinity) as number[];
    expect(a.length).toBe(224 * 224 * 3);
    expect(a.reduce((m, v) => Math.max(m, v), 0)).toBeGreaterThan(0);
    const cam = await runMain(
      ['attribute', '--model', model, '--input', x, '--method', 'gradcam', '--json'],
      dir,
    );
    expect(cam.stderr).toBe('');
    const out = JSON.parse(cam.stdout);
    expect(out.layer).toMatch(/Relu6|Conv_1/);
    const map = out.attributions.flat(Infinity) as number[];
    expect(new Set(map).size).toBeGreaterThan(1);
  }, 120_000);

  it('summarizes and explains the MobileNetV2 LayersModel (GradCAM not on the 1 x 1 pooling)', async () => {
    const model = models.mobilenet_v2!;
    const s = JSON.parse((await runMain(['summary', '--model', model, '--json'], dir)).stdout);
    expect(s.totalParams).toBe(manifestFloats(model));
    const x = imageNpy(dir, 224);
    const cam = await runMain(
      ['attribute', '--model', model, '--input', x, '--method', 'gradcam', '--json'],
      dir,
    );
    expect(cam.stderr).toBe('');
    const map = JSON.parse(cam.stdout).attributions.flat(Infinity) as number[];
    expect(new Set(map).size).toBeGreaterThan(1);
  }, 120_000);

  it('refuses a broken graph model in one short line, without quoting the graph', async () => {
    const bad = join(dir, 'bad');
    const json = JSON.parse(readFileSync(models.mobilenet_v2_mid!, 'utf8'));
    const opNode = json.modelTopology.node.find((n: { op: string }) => n.op === 'AddV2');
    opNode.op = 'NoSuchOp';
    execFileSync('mkdir', ['-p', bad]);
    for (const p of json.weightsManifest[0].paths) {
      writeFileSync(join(bad, p), readFileSync(join(dirname(models.mobilenet_v2_mid!), p)));
    }
    writeFileSync(join(bad, 'model.json'), JSON.stringify(json));
    const r = await runMain(['summary', '--model', join(bad, 'model.json')], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/does not run.*NoSuchOp/);
    expect(r.stderr.length).toBeLessThan(600);
  }, 60_000);
});
