// Every attribution method on model graphs that are not LayersModels: core's hand-made graphs of
// tf ops (dense-relu-dense, and an NCHW CNN laid out as a PyTorch export is), checked by hand.
import { isInterpError, type ModelGraph, setupBackend } from '@interp/core';
import {
  DENSE_RELU_WEIGHTS,
  denseReluGraph,
  expectNoLeakedTensors,
  maxAbsDiff,
  nchwConvGraph,
} from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GradCAM } from './grad-cam.js';
import { gradientTimesInput } from './gradient-times-input.js';
import { IntegratedGradients } from './integrated-gradients.js';
import { Occlusion } from './occlusion.js';
import { resolveTarget } from './resolve-target.js';
import { saliencyMap } from './saliency-map.js';
import { SmoothGrad } from './smooth-grad.js';

let graph: ModelGraph;

beforeAll(async () => {
  await setupBackend('wasm');
  graph = denseReluGraph();
});

afterAll(() => {
  graph.dispose();
});

// f(x) = relu(x W1 + b1) W2 + b2 in plain JS, the oracle for the graph's forward pass.
function forwardJs(x: readonly number[]): number[] {
  const { w1, b1, w2, b2 } = DENSE_RELU_WEIGHTS;
  const h = b1.map((b, j) => Math.max(0, b + x.reduce((a, xi, i) => a + xi * w1[i]![j]!, 0)));
  return b2.map((b, k) => b + h.reduce((a, hj, j) => a + hj * w2[j]![k]!, 0));
}

// x1 = [1, 2, 3]: pre = [-4.5, 6, 1, 3], out = [12.6, 12.9] (class 1);
// x2 = [-1, 0, 2]: pre = [-4.5, 3, 1, -3], out = [5.1, 2.4] (class 0).
// d out_1 / d x1 = W1 (mask * W2[:, 1]) = W1 [0, 0.5, 1, 3] = [6, 3, 1.5];
// d out_0 / d x2 = W1 [0, 2, -1, 0] = [-2.5, 5, 1].
const X = [
  [1, 2, 3],
  [-1, 0, 2],
];
const GRAD = [6, 3, 1.5, -2.5, 5, 1];

describe('attribution on a ModelGraph', () => {
  it('resolveTarget(graph, x) is the argmax of the graph output', async () => {
    expect(forwardJs(X[0]!)[1]).toBeCloseTo(12.9, 6);
    const x = tf.tensor2d(X);
    expect(Array.from(await resolveTarget(graph, x))).toEqual([1, 0]);
    x.dispose();
  });

  it('saliencyMap(graph, x) and gradientTimesInput(graph, x) match the hand-worked gradient', async () => {
    const x = tf.tensor2d(X);
    const sal = await saliencyMap(graph, x, { abs: false });
    expect(maxAbsDiff(await sal.data(), GRAD)).toBeLessThan(1e-5);
    const gxi = await gradientTimesInput(graph, x);
    expect(
      maxAbsDiff(
        await gxi.data(),
        GRAD.map((g, i) => g * X.flat()[i]!),
      ),
    ).toBeLessThan(1e-5);
    const sg = await new SmoothGrad(graph).attribute(x, { nSamples: 2, stdevs: 0 });
    expect(maxAbsDiff(await sg.data(), GRAD)).toBeLessThan(1e-5);
    tf.dispose([x, sal, gxi, sg]);
  });

  it('Occlusion(graph) credits each feature with the drop of the JS forward pass', async () => {
    const x = tf.tensor2d(X);
    const occ = await new Occlusion(graph).attribute(x, { slidingWindowShapes: [1] });
    const expected = X.flatMap((row, i) => {
      const t = i === 0 ? 1 : 0;
      return row.map((_, j) => {
        const cut = row.map((v, k) => (k === j ? 0 : v));
        return forwardJs(row)[t]! - forwardJs(cut)[t]!;
      });
    });
    expect(maxAbsDiff(await occ.data(), expected)).toBeLessThan(1e-4);
    tf.dispose([x, occ]);
  });

  it('IntegratedGradients(graph) equals IG of the same network as a LayersModel, and is complete', async () => {
    const { w1, b1, w2, b2 } = DENSE_RELU_WEIGHTS;
    const layers = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [3], units: 4, activation: 'relu' }),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    layers.setWeights([
      tf.tensor2d(w1.map((r) => [...r])),
      tf.tensor1d([...b1]),
      tf.tensor2d(w2.map((r) => [...r])),
      tf.tensor1d([...b2]),
    ]);
    const x = tf.tensor2d(X);
    // Midpoints converge at the ReLU kinks; Gauss-Legendre nodes assume a smooth path.
    const options = {
      nSteps: 256,
      method: 'riemann_middle',
      returnConvergenceDelta: true,
    } as const;
    const onGraph = await new IntegratedGradients(graph).attribute(x, options);
    const onLayers = await new IntegratedGradients(layers).attribute(x, options);
    expect(
      maxAbsDiff(await onGraph.attributions.data(), await onLayers.attributions.data()),
    ).toBeLessThan(1e-4);
    for (const d of await onGraph.delta.data()) expect(Math.abs(d)).toBeLessThan(0.02);
    tf.dispose([x, onGraph.attributions, onGraph.delta, onLayers.attributions, onLayers.delta]);
    layers.dispose();
  });

  it('rejects bad input with InterpError (shape against the graph input)', async () => {
    const x = tf.zeros([2, 4]);
    const e = await saliencyMap(graph, x).catch((err: unknown) => err);
    expect(isInterpError(e)).toBe(true);
    expect((e as Error).message).toMatch(/x has shape \[2, 4\] but the model expects \[N, 3\]/);
    const gc = await Promise.resolve()
      .then(() => new GradCAM(graph))
      .catch((err: unknown) => err);
    expect((gc as Error).message).toMatch(/no layer with a 4-D output larger than 1 x 1/);
    x.dispose();
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d(X);
    await expectNoLeakedTensors(() => saliencyMap(graph, x));
    await expectNoLeakedTensors(() => new IntegratedGradients(graph).attribute(x, { nSteps: 4 }));
    await expectNoLeakedTensors(() =>
      new Occlusion(graph).attribute(x, { slidingWindowShapes: [2] }),
    );
    x.dispose();
  });
});

// The NHWC GradCAM case of grad-cam.test.ts laid out channels-first: a 4 x 4 image, conv blocks
// with block sums [[4, 4], [-2, 4]], so relu(conv) = A0 [[4, 4], [0, 4]] and A1 [[0, 0], [2, 0]].
const IMAGE = [1, 2, 0, -1, 0, 1, 3, 2, -2, 0, 1, 1, 1, -1, 0, 2];
const W_COL0 = [1, -1, 2, 0, 3, 4, 2, 1]; // by NHWC flat index (h * 2 + w) * 2 + c
const W_COL1 = [0.5, 2, -1, 2, 0, -4, -0.5, 0];
// The NCHW flatten reads index c * 4 + h * 2 + w: the same weights, permuted.
const HEAD_NCHW = Array.from({ length: 8 }, (_, i) => {
  const c = Math.floor(i / 4);
  const hw = i % 4;
  return [W_COL0[hw * 2 + c]!, W_COL1[hw * 2 + c]!];
});
// Class 0: channel weights 2 and 1, CAM = 2 A0 + A1; upsampled 2x2 -> 4x4 with half-pixel centers.
const CAM0 = [8, 8, 2, 8];
const CAM0_UP = [8, 8, 8, 8, 6.5, 6.875, 7.625, 8, 3.5, 4.625, 6.875, 8, 2, 3.5, 6.5, 8];

describe('GradCAM on an NCHW graph', () => {
  it('attribute(x) weighs channels on axis 1 and upsamples H, W (default layer relu)', async () => {
    const g = nchwConvGraph(HEAD_NCHW);
    const x = tf.tensor4d(IMAGE, [1, 1, 4, 4]);
    const cam = new GradCAM(g);
    expect(cam.layerName).toBe('relu');
    expect(cam.layerChoice).toBe('default');
    const small = await cam.attribute(x, { upsample: false, target: 0 });
    expect(small.shape).toEqual([1, 2, 2]);
    expect(maxAbsDiff(await small.data(), CAM0)).toBeLessThan(1e-5);
    const up = await cam.attribute(x, { target: 0 });
    expect(up.shape).toEqual([1, 4, 4]);
    expect(maxAbsDiff(await up.data(), CAM0_UP)).toBeLessThan(1e-5);
    await expectNoLeakedTensors(() => cam.attribute(x));
    tf.dispose([x, small, up]);
    g.dispose();
  });

  it('new GradCAM(graph) finds the default layer by one probe pass when the graph declares no shapes', async () => {
    const g = nchwConvGraph(HEAD_NCHW);
    const shapeless: ModelGraph = {
      ...g,
      nodes: g.nodes.map((n) => ({ ...n, outputShape: undefined })),
    };
    const cam = await expectNoLeakedTensors(
      () => new GradCAM(shapeless),
      () => {},
    );
    expect(cam.layerName).toBe('relu');
    g.dispose();
  });

  it('rejects an NHWC input for an NCHW graph with InterpError naming the layout', async () => {
    const g = nchwConvGraph(HEAD_NCHW);
    const x = tf.zeros([1, 4, 4, 1]);
    const e = await new GradCAM(g).attribute(x).catch((err: unknown) => err);
    expect(isInterpError(e)).toBe(true);
    expect((e as Error).message).toMatch(/expects \[N, 1, 4, 4\] \(NCHW layout\)/);
    x.dispose();
    g.dispose();
  });
});
