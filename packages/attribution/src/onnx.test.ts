// Every attribution method on ONNX models (PyTorch exports, NCHW) through the same functions as on
// LayersModels: numbers against finite differences, direct forward passes and completeness.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ModelGraph, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { loadOnnxModel } from '@interp/onnx';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GradCAM } from './grad-cam.js';
import { gradientTimesInput } from './gradient-times-input.js';
import { IntegratedGradients } from './integrated-gradients.js';
import { Occlusion } from './occlusion.js';
import { saliencyMap } from './saliency-map.js';
import { SmoothGrad } from './smooth-grad.js';

const onnxDir = dirname(createRequire(import.meta.url).resolve('@interp/onnx/package.json'));
const testModel = (name: string) => join(onnxDir, 'test-models', name);

let cnn: ModelGraph;
let x: tf.Tensor4D;

/** Seeded values in [-1, 1) (an LCG: enough for test inputs). */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

beforeAll(async () => {
  await setupBackend('wasm');
  // conv, BN, ReLU6, depthwise conv, pools -> 5 classes; input [N, 3, 8, 8] (opset 11).
  cnn = await loadOnnxModel(testModel('small-cnn.onnx'));
  x = tf.tensor4d(values(2 * 3 * 8 * 8, 7), [2, 3, 8, 8]);
});

afterAll(() => {
  x?.dispose();
  cnn?.dispose();
});

async function targetScore(
  input: tf.Tensor | Float32Array,
  target: number,
  item: number,
): Promise<number> {
  const y = tf.tidy(() =>
    cnn.predict(input instanceof tf.Tensor ? input : tf.tensor(input, x.shape)),
  );
  const data = await y.data();
  y.dispose();
  return data[item * y.shape[1]! + target]!;
}

describe('attribution on an ONNX model (small torch CNN, NCHW)', () => {
  it('saliencyMap(onnx, x) equals central finite differences of the target score', async () => {
    const sal = await saliencyMap(cnn, x, { abs: false, target: 2 });
    expect(sal.shape).toEqual([2, 3, 8, 8]);
    const grad = await sal.data();
    const base = await x.data();
    const h = 1e-2;
    for (const index of [5, 64 + 9, 3 * 64 + 30, 3 * 64 + 2 * 64 + 63]) {
      const item = Math.floor(index / 192);
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[index]! += h;
      minus[index]! -= h;
      const fd =
        ((await targetScore(plus, 2, item)) - (await targetScore(minus, 2, item))) / (2 * h);
      expect(Math.abs(grad[index]! - fd)).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
    }
    tf.dispose(sal);
  });

  it('IntegratedGradients(onnx) is complete; gradientTimesInput and SmoothGrad run on it', async () => {
    const { attributions, delta } = await new IntegratedGradients(cnn).attribute(x, {
      nSteps: 64,
      method: 'riemann_middle',
      returnConvergenceDelta: true,
    });
    const sums = await tf.tidy(() => tf.sum(tf.reshape(attributions, [2, -1]), 1)).data();
    const d = await delta.data();
    for (let i = 0; i < 2; i++) {
      const gap = sums[i]! - d[i]!; // F(x) - F(0)
      expect(Math.abs(d[i]!)).toBeLessThan(0.02 * Math.abs(gap) + 1e-3);
    }
    const gxi = await gradientTimesInput(cnn, x, { target: 1 });
    const sal = await saliencyMap(cnn, x, { abs: false, target: 1 });
    const sg = await new SmoothGrad(cnn).attribute(x, { nSamples: 2, stdevs: 0, target: 1 });
    const maxAbs = async (f: () => tf.Tensor) => {
      const m = tf.tidy(() => tf.max(tf.abs(f())));
      const v = (await m.data())[0]!;
      m.dispose();
      return v;
    };
    expect(await maxAbs(() => tf.sub(gxi, tf.mul(sal, x)))).toBeLessThan(1e-5);
    expect(await maxAbs(() => tf.sub(sg, sal))).toBeLessThan(1e-5);
    tf.dispose([attributions, delta, gxi, sal, sg]);
  });

  it('Occlusion(onnx) credits a window with the drop of a direct forward pass', async () => {
    const occ = await new Occlusion(cnn).attribute(x, {
      slidingWindowShapes: [3, 4, 4],
      strides: [3, 4, 4],
      target: 0,
    });
    // Window (rows 0-3, cols 4-7) of every channel, item 1: F(x) - F(x with it zeroed).
    const occluded = Float32Array.from(await x.data());
    for (let c = 0; c < 3; c++) {
      for (let r = 0; r < 4; r++)
        for (let col = 4; col < 8; col++) occluded[192 + c * 64 + r * 8 + col] = 0;
    }
    const drop = (await targetScore(x, 0, 1)) - (await targetScore(occluded, 0, 1));
    const attr = await occ.data();
    expect(Math.abs(attr[192 + 64 + 2 * 8 + 5]! - drop)).toBeLessThan(1e-4);
    occ.dispose();
  });

  it('GradCAM(onnx) defaults to the last node with H x W > 1 and upsamples NCHW maps', async () => {
    const gc = new GradCAM(cnn);
    const node = cnn.findNode(gc.layerName);
    expect(gc.layerChoice).toBe('default');
    const shape = node.outputShape!;
    expect(shape.length).toBe(4);
    expect((shape[2] as number) * (shape[3] as number)).toBeGreaterThan(1);
    const later = cnn.nodes.slice(cnn.nodes.indexOf(node) + 1);
    for (const n of later) {
      const s = n.outputShape;
      if (s?.length === 4) expect((s[2] ?? 1) * (s[3] ?? 1)).toBeLessThanOrEqual(1);
    }
    const cam = await gc.attribute(x, { relu: false });
    expect(cam.shape).toEqual([2, 8, 8]);
    const data = Array.from(await cam.data());
    expect(Math.max(...data) - Math.min(...data)).toBeGreaterThan(1e-6);
    cam.dispose();
  });

  it('leaks no tensors', async () => {
    await expectNoLeakedTensors(() => saliencyMap(cnn, x));
    await expectNoLeakedTensors(() => new IntegratedGradients(cnn).attribute(x, { nSteps: 4 }));
    await expectNoLeakedTensors(() => new GradCAM(cnn).attribute(x));
    await expectNoLeakedTensors(() =>
      new Occlusion(cnn).attribute(x, { slidingWindowShapes: [3, 4, 4], strides: [3, 4, 4] }),
    );
  });
});

describe('GradCAM default layer on MobileNetV2 (torchvision export, seeded random weights)', () => {
  it('new GradCAM(mobilenet) picks the 7 x 7 feature map, not the 1 x 1 pooled output', async () => {
    // The export keeps its weights in an external file that is not committed: @interp/onnx's
    // script writes seeded random ones beside a temp copy.
    const script = join(onnxDir, 'scripts', 'random-external-data.mjs');
    const { modelWithRandomWeights } = (await import(pathToFileURL(script).href)) as {
      modelWithRandomWeights: (path: string, seed?: number) => Promise<string>;
    };
    const model = await loadOnnxModel(
      await modelWithRandomWeights(testModel('mobilenet_v2.onnx'), 2),
    );
    try {
      const gc = new GradCAM(model);
      const node = model.findNode(gc.layerName);
      expect(node.outputShape?.slice(2)).toEqual([7, 7]);
      const pooled = model.nodes.filter((n) => n.op === 'GlobalAveragePool');
      expect(pooled.map((n) => n.name)).not.toContain(gc.layerName);
      const image = tf.tensor4d(values(3 * 224 * 224, 11), [1, 3, 224, 224]);
      const cam = await gc.attribute(image, { relu: false, upsample: false });
      const data = Array.from(await cam.data());
      expect(cam.shape).toEqual([1, 7, 7]);
      expect(Math.max(...data) - Math.min(...data)).toBeGreaterThan(0);
      tf.dispose([image, cam]);
    } finally {
      model.dispose();
    }
  });
});
