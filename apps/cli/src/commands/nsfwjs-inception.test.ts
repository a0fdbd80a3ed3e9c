// nsfwjs 4.3.0's InceptionV3 LayersModel (299 px; its 94 BatchNormalizations have scale: false,
// whose tfjs-core gradient crashed) in CI: it loads, summarizes and explains with saliency,
// Integrated Gradients and GradCAM through the CLI, and its input gradient (core's tape-free
// targetInputGradient and tf.grad) equals central finite differences. The slower every-method
// timings stay opt-in in nsfwjs-models.test.ts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy } from '@interp/data';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-cli.js';
import { runMain } from '../test-main.js';
import { manifestFloats, nsfwjsModelPaths } from './test-nsfwjs-models.js';

const SIZE = 299;
const SHAPE: [number, number, number, number] = [1, SIZE, SIZE, 3];

/** A smooth, non-constant image in [0.1, 0.9]: the same one for the CLI and the in-process checks. */
function image(): Float32Array {
  const img = new Float32Array(SIZE * SIZE * 3);
  for (let i = 0; i < img.length; i++) img[i] = 0.5 + 0.4 * Math.sin(i / 977);
  return img;
}

const flat = (v: unknown): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v as number]);

describe('nsfwjs InceptionV3 through the CLI', () => {
  const model = nsfwjsModelPaths().inception_v3!;
  const dir = tempDir('interp-inception-');
  writeFileSync(join(dir, 'x.npy'), encodeNpy(image(), SHAPE));
  // A lower-contrast copy of x: a short path on which few steps already integrate well.
  writeFileSync(
    join(dir, 'base.npy'),
    encodeNpy(
      image().map((v) => 0.5 + 0.8 * (v - 0.5)),
      SHAPE,
    ),
  );
  const attribute = async (method: string, ...more: string[]) => {
    const r = await runMain(
      ['attribute', '--model', model, '--input', 'x.npy', '--method', method, '--json', ...more],
      dir,
    );
    // Runs over 2 s draw a progress bar on stderr; nothing else may be there.
    expect(r.stderr.replace(/^.*\[[#.]*\] *\d+%\s*$/gm, '').trim()).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  it('summarizes it: params adding up to the weights manifest, 5 softmax outputs', async () => {
    const r = await runMain(['summary', '--model', model, '--json'], dir);
    expect(r.stderr).toBe('');
    const s = JSON.parse(r.stdout);
    expect(s.totalParams).toBe(manifestFloats(model));
    expect(s.layers.filter((l: { type: string }) => l.type === 'BatchNormalization')).toHaveLength(
      94,
    );
    expect(s.layers.at(-1).outputShape).toEqual([null, 5]);
  }, 60_000);

  it('explains it with saliency and with GradCAM on a spatial layer (a map with structure)', async () => {
    const sal = flat((await attribute('saliency')).attributions);
    expect(sal).toHaveLength(SIZE * SIZE * 3);
    expect(sal.every(Number.isFinite)).toBe(true);
    expect(sal.reduce((m, v) => Math.max(m, v), 0)).toBeGreaterThan(0);
    const cam = await attribute('gradcam');
    // InceptionV3's last spatial block is 8 x 8 (mixed10), before global pooling's 1 x 1.
    expect(cam.layer).toMatch(/mixed10|concatenate|activation/);
    const map = flat(cam.attributions);
    expect(map).toHaveLength(SIZE * SIZE);
    expect(new Set(map).size).toBeGreaterThan(1);
  }, 120_000);

  it('explains it with Integrated Gradients, complete to a few percent', async () => {
    const steps = 8;
    const ig = await attribute('ig', '--n-steps', String(steps), '--baseline', 'base.npy');
    const a = flat(ig.attributions);
    expect(a.every(Number.isFinite)).toBe(true);
    // Captum's delta is sum(attr) - (f(x) - f(baseline)); completeness says it goes to 0 as the
    // steps grow. From a black baseline 8 steps leave it at 3x the gap (the long path crosses
    // many ReLU kinks and the softmax bends); from the lower-contrast copy, measured 3.7%.
    const sum = a.reduce((s, v) => s + v, 0);
    const gap = sum - ig.delta[0];
    expect(Math.abs(gap)).toBeGreaterThan(1e-3);
    expect(Math.abs(ig.delta[0])).toBeLessThan(0.1 * Math.abs(gap));
  }, 180_000);
});

describe('nsfwjs InceptionV3 input gradient', () => {
  it('equals central finite differences, tape-free (targetInputGradient) and through tf.grad', async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const { setupBackend, targetInputGradient } = await import('@interp/core');
    const { expectNoLeakedTensors } = await import('@interp/core/testing');
    const { loadModel } = await import('../io/load-model.js');
    await setupBackend('wasm');
    const loaded = await loadModel(nsfwjsModelPaths().inception_v3!);
    try {
      const img = image();
      const score = (v: Float32Array, target: number) =>
        tf.tidy(() => loaded.graph.predict(tf.tensor4d(v, SHAPE)).dataSync()[target]!);
      // The least probable class: the top one's probability is near 1, where float32 resolves
      // the score too coarsely for finite differences and softmax damps its gradient.
      const probs = tf.tidy(() => loaded.graph.predict(tf.tensor4d(img, SHAPE)));
      const p = (await probs.data()) as Float32Array;
      probs.dispose();
      const target = p.indexOf(Math.min(...p));
      await expectNoLeakedTensors(async () => {
        const x = tf.tensor4d(img, SHAPE);
        const tapeFree = targetInputGradient(loaded.layersModel!, x, target);
        // The hand-written backward pass covers every InceptionV3 layer (no tf.grad fallback).
        expect(tapeFree.method).toBe('layers');
        const viaTape = tf.grad((z: import('@tensorflow/tfjs-core').Tensor) =>
          tf.sum(tf.slice(loaded.graph.predict(z), [0, target], [1, 1])),
        )(x);
        const gradients = {
          tapeFree: (await tapeFree.gradient.data()) as Float32Array,
          tape: (await viaTape.data()) as Float32Array,
        };
        tf.dispose([x, tapeFree.gradient, tapeFree.outputs, viaTape]);
        const unit = (d: Float32Array) => {
          const n = Math.sqrt(d.reduce((a, v) => a + v * v, 0));
          return d.map((v) => v / n);
        };
        const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
        // Directional (unit directions), since one pixel's change is below float32's resolution
        // of the score. The rounding of the score (p[target] ~ 0.03, one ulp 2e-9) puts a noise
        // floor of ulp / h on a central difference, and curvature (ReLU kinks, softmax) grows
        // with h. Along the gradient the slope is large: h = 1e-3 (measured 0.8% off). Along
        // fixed directions the slope is ~1e-3 of that: h = 0.05, noise floor < 1% (measured
        // 1.5% and 2.1% off). Tolerances: 3% and 5%.
        const directions = [
          { dir: unit(gradients.tape.slice()), h: 1e-3, rel: 0.03 },
          { dir: unit(img.map((_, i) => (i % 7 < 3 ? 1 : -1))), h: 0.05, rel: 0.05 },
          { dir: unit(img.map((_, i) => Math.cos(i / 3001))), h: 0.05, rel: 0.05 },
        ];
        for (const { dir, h, rel } of directions) {
          const at = (t: number) =>
            score(
              img.map((v, i) => v + t * dir[i]!),
              target,
            );
          const fd = (at(h) - at(-h)) / (2 * h);
          for (const [name, grad] of Object.entries(gradients)) {
            const analytic = dot(grad, dir);
            expect.soft(Math.abs(fd - analytic), name).toBeLessThan(rel * Math.abs(analytic));
          }
        }
      });
    } finally {
      loaded.dispose();
    }
  }, 180_000);
});
