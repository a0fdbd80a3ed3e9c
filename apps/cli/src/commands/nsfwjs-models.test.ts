// The pretrained models npm's nsfwjs 4.3.0 ships (MIT), extracted to model.json + .bin by
// scripts/extract-nsfwjs-models.mjs into a cache (never committed): the MobileNetV2 GraphModel
// and LayersModel load, summarize and explain through the CLI in-process. InceptionV3 has its
// own CI file (nsfwjs-inception.test.ts); every method on all three, timed, is opt-in here
// (INTERP_NSFWJS_ALL=1).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodeNpy } from '@interp/data';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';
import { manifestFloats, nsfwjsModelPaths } from './test-nsfwjs-models.js';

const paths = nsfwjsModelPaths;

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

  it('names targets with --labels and scales 0..255 pixels with --preset [0,1]', async () => {
    const model = models.mobilenet_v2!;
    const x = imageNpy(dir, 224);
    const names = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];
    writeFileSync(join(dir, 'labels.txt'), `${names.join('\n')}\n`);
    const args = ['attribute', '--model', model, '--method', 'saliency'];
    const plain = await runMain([...args, '--input', x, '--labels', 'labels.txt'], dir);
    expect(plain.stderr).toBe('');
    const row = plain.stdout.split('\n').find((l) => /^\s*0\s/.test(l))!;
    const target = Number(/^\s*0\s+(\d+)/.exec(row)![1]);
    expect(row).toContain(`${target} (${names[target]})`);
    // The same image as 0..255 pixels with --preset [0,1]: the same sums, up to float32
    // rounding (v * 255 / 255 is not v for every pixel, and ReLU6 kinks amplify a last-bit change).
    const npy = readFileSync(x);
    const header = npy.length - 224 * 224 * 3 * 4;
    const pixels = new Float32Array(
      npy.buffer.slice(npy.byteOffset + header, npy.byteOffset + npy.length),
    );
    writeFileSync(
      join(dir, 'pixels.npy'),
      encodeNpy(
        pixels.map((v) => v * 255),
        [1, 224, 224, 3],
      ),
    );
    const scaled = await runMain([...args, '--input', 'pixels.npy', '--preset', '[0,1]'], dir);
    expect(scaled.stderr).toBe('');
    const sums = (out: string) =>
      out
        .split('\n')
        .find((l) => /^\s*0\s/.test(l))!
        .split(/\s+/)
        .filter(Boolean)
        .at(-2);
    const [a, b] = [Number(sums(scaled.stdout)), Number(sums(plain.stdout))];
    expect(b).toBeGreaterThan(0);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-3 * b);
    const bad = await runMain([...args, '--input', x, '--preset', 'caffe'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
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

// Opt-in (INTERP_NSFWJS_ALL=1): every gradient method on the three models, with timings.
describe.runIf(process.env.INTERP_NSFWJS_ALL === '1')(
  'nsfwjs models, every method (opt-in)',
  () => {
    const models = paths();
    const dir = tempDir('interp-nsfwjs-all-');
    const cases = [
      ['mobilenet_v2_mid', 224],
      ['mobilenet_v2', 224],
      ['inception_v3', 299],
    ] as const;
    for (const [name, size] of cases) {
      for (const method of ['saliency', 'ig', 'gradcam']) {
        it(`${name} ${method}`, async () => {
          const x = imageNpy(dir, size);
          const t0 = performance.now();
          const r = await runMain(
            ['attribute', '--model', models[name]!, '--input', x, '--method', method, '--json'],
            dir,
          );
          console.log(`${name} ${method}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
          // A run over the CLI's delay shows its progress bar on stderr; nothing else may be there.
          const other = r.stderr
            .split(/[\r\n]+/)
            .filter((l) => l && !/^\w+ \[[#.]+\] +\d+%/.test(l));
          expect(other).toEqual([]);
          const a = JSON.parse(r.stdout).attributions.flat(Infinity) as number[];
          expect(new Set(a).size).toBeGreaterThan(1);
        }, 600_000);
      }
    }
  },
);

// Input gradients (tf.grad through the graph, as every gradient method) equal central finite
// differences along two directions (the gradient's own and a fixed +-1 one); directional, since
// one pixel's change is below float32's resolution of the score. InceptionV3's BatchNorms have
// scale: false. About two minutes in all, so opt-in with the other slow cases.
describe.runIf(process.env.INTERP_NSFWJS_ALL === '1')('nsfwjs input gradients', () => {
  it.each([
    ['mobilenet_v2', 224],
    ['mobilenet_v2_mid', 224],
    ['inception_v3', 299],
  ] as const)(
    '%s: equal finite differences',
    async (name, size) => {
      const tf = await import('@tensorflow/tfjs-core');
      const { setupBackend } = await import('@interp/core');
      const { loadModel } = await import('../io/load-model.js');
      await setupBackend('wasm');
      const loaded = await loadModel(paths()[name]!);
      try {
        const shape: [number, number, number, number] = [1, size, size, 3];
        const img = new Float32Array(size * size * 3);
        for (let i = 0; i < img.length; i++) img[i] = 0.5 + 0.4 * Math.sin(i / 977);
        const x = tf.tensor4d(img, shape);
        const probs = loaded.graph.predict(x);
        const target = (await tf.argMax(probs, 1).data())[0]!;
        probs.dispose();
        const score = (v: import('@tensorflow/tfjs-core').Tensor) =>
          tf.sum(tf.slice(loaded.graph.predict(v), [0, target], [1, 1]));
        const g = tf.tidy(() => tf.grad(score)(x));
        const grad = (await g.data()) as Float32Array;
        g.dispose();
        x.dispose();
        const unit = (d: Float32Array) => {
          const n = Math.sqrt(d.reduce((a, v) => a + v * v, 0));
          return d.map((v) => v / n);
        };
        const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
        // Along the gradient the score bends (ReLU6 kinks): 8% at h = 1e-3 (MobileNetV2: 4.4%);
        // along a fixed +-1 direction 3%, above float32's noise floor of the score (2e-5).
        const h = 1e-3;
        const checks = [
          { dir: unit(grad.slice()), rel: 0.08 },
          { dir: unit(img.map((_, i) => (i % 7 < 3 ? 1 : -1))), rel: 0.03 },
        ];
        for (const { dir, rel } of checks) {
          const at = (t: number) =>
            tf.tidy(
              () =>
                score(
                  tf.tensor4d(
                    img.map((v, i) => v + t * dir[i]!),
                    shape,
                  ),
                ).dataSync()[0]!,
            );
          const fd = (at(h) - at(-h)) / (2 * h);
          const analytic = dot(grad, dir);
          expect.soft(Math.abs(fd - analytic)).toBeLessThan(rel * Math.abs(analytic) + 2e-5);
        }
      } finally {
        loaded.dispose();
      }
    },
    300_000,
  );
});
