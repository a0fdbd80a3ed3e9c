// GradCAM on npm's nsfwjs 4.3.0 MobileNetV2 GraphModel (extracted by
// scripts/extract-nsfwjs-models.mjs into a cache, never committed): its differentiated pass feeds
// the activation back with replaceOutput, so the GraphModel adapter runs the head alone; the map
// equals the one from a plain hook (the whole forward again under the tape).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupBackend, toModelGraph } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
// tfjs-converter is a root devDependency (the fixture's loader), not a dependency of @interp/attribution.
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GradCAM } from './grad-cam.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
let model: GraphModel;

beforeAll(async () => {
  await setupBackend('wasm');
  const script = join(ROOT, 'scripts/extract-nsfwjs-models.mjs');
  const out = execFileSync(process.execPath, [script], { encoding: 'utf8' }).split('\n');
  const path = out.find((p) => p.endsWith('/mobilenet_v2_mid/model.json'))!;
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const bytes = Buffer.concat(
    json.weightsManifest.flatMap((g: { paths: string[] }) =>
      g.paths.map((p) => readFileSync(join(dirname(path), p))),
    ),
  );
  model = await loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights),
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
    }),
  );
}, 60_000);

afterAll(() => model?.dispose());

/** Two smooth, different 224 x 224 images in [0, 1]. */
function images(): tf.Tensor4D {
  const data = Float32Array.from(
    { length: 2 * 224 * 224 * 3 },
    (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37),
  );
  return tf.tensor4d(data, [2, 224, 224, 3]);
}

/** GradCAM's map for targets [0, 3] with a plain hook: the whole forward runs under the tape. */
function plainHookMap(layer: string, x: tf.Tensor): tf.Tensor {
  const graph = toModelGraph(model);
  return tf.tidy(() => {
    const a = graph.run(x, { taps: [layer] }).taps[layer]!;
    const mask = tf.tensor2d([1, 0, 0, 0, 0, 0, 0, 0, 1, 0], [2, 5]);
    const g = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(graph.run(x, { hooks: { [layer]: () => t } }).output, mask)),
    )(a);
    return tf.relu(tf.sum(tf.mul(tf.mean(g, [1, 2], true), a), 3));
  });
}

describe('GradCAM(nsfwjs MobileNetV2 GraphModel)', () => {
  it('gives the plain-hook map to 1e-5 of its peak, running the upstream depthwise convs once', async () => {
    const cam = new GradCAM(toModelGraph(model));
    const x = images();
    const want = plainHookMap(cam.layerName, x);
    // tf.profile hands back one record it reuses: count each run's kernels before the next.
    // Under the tape tfjs runs a fused conv as its parts (DepthwiseConv2dNative, then the rest).
    const depthwise = new Set(['FusedDepthwiseConv2D', 'DepthwiseConv2dNative']);
    const depthwiseConvs = async (fn: () => tf.Tensor | Promise<tf.Tensor>) => {
      const info = await tf.profile(fn);
      const n = info.kernels.filter((k) => depthwise.has(k.name)).length;
      return { result: info.result as tf.Tensor, n };
    };
    const { result: got, n: camConvs } = await depthwiseConvs(() =>
      cam.attribute(x, { target: [0, 3], upsample: false }),
    );
    expect(got.shape).toEqual([2, 7, 7]);
    const [g, w] = [await got.data<'float32'>(), await want.data<'float32'>()];
    const peak = w.reduce((m, v) => Math.max(m, v), 0);
    expect(peak).toBeGreaterThan(0);
    for (let i = 0; i < w.length; i++) {
      expect(Math.abs(g[i]! - w[i]!)).toBeLessThanOrEqual(1e-5 * peak);
    }
    // The 17 depthwise convs all lie before the CAM layer: the tapped forward runs each once and
    // the differentiated pass none (a second forward under the tape would double the count).
    const forward = await depthwiseConvs(() => toModelGraph(model).predict(x));
    forward.result.dispose();
    expect(forward.n).toBe(17);
    expect(camConvs).toBe(17);
    tf.dispose([x, want, got]);
  }, 120_000);

  it('leaks no tensors', async () => {
    const cam = new GradCAM(toModelGraph(model));
    const x = images();
    await expectNoLeakedTensors(() => cam.attribute(x, { target: [0, 3] }));
    x.dispose();
  }, 120_000);
});
