import { isInterpError, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import * as lib from '../index.js';
import { LINEAR_W, LINEAR_X, linearLayersModel } from '../test-models.js';
import {
  defaultOcclusionWindow,
  METHOD_CATALOG,
  METHOD_NAMES,
  type MethodResult,
  methodInfo,
  type RunAttributionOptions,
  runAttribution,
} from './index.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

// The issue's CLI list (neuron-* stands for the neuron family).
const ISSUE_NAMES =
  'saliency gxi ig deeplift deeplift-shap gradient-shap guided-backprop deconvolution guided-gradcam gradcam occlusion feature-ablation feature-permutation shapley shapley-sampling lime kernel-shap lrp smoothgrad layer-ig layer-conductance internal-influence layer-activation layer-gxa layer-deeplift layer-gradient-shap layer-feature-ablation layer-lrp'.split(
    ' ',
  );
const NEURON_CLASSES = [
  'NeuronGradient',
  'NeuronIntegratedGradients',
  'NeuronConductance',
  'NeuronDeepLift',
  'NeuronGuidedBackprop',
  'NeuronDeconvolution',
  'NeuronFeatureAblation',
  'NeuronGradientShap',
];

/** conv 'feat' (2 filters 2x2, stride 2) -> relu 'act' -> flatten -> dense 'head' (3 classes). */
function smallCnn(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        name: 'feat',
        inputShape: [4, 4, 1],
        filters: 2,
        kernelSize: 2,
        strides: 2,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      // A separate ReLU: DeepLift's and LRP's rules need the nonlinearity as its own node.
      tfl.layers.reLU({ name: 'act' }),
      tfl.layers.flatten(),
      tfl.layers.dense({
        name: 'head',
        units: 3,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
}

async function attempt(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isInterpError(e)).toBe(true);
  return e as Error;
}

describe('METHOD_CATALOG', () => {
  it('names every method of the issue, the eight neuron classes, and classes the package exports', () => {
    for (const name of ISSUE_NAMES) expect(METHOD_NAMES).toContain(name);
    const classes = METHOD_CATALOG.map((m) => m.className);
    for (const c of NEURON_CLASSES) expect(classes).toContain(c);
    for (const m of METHOD_CATALOG) {
      expect(typeof (lib as Record<string, unknown>)[m.className], m.className).toBe('function');
      expect(m.options.includes('layer'), m.name).toBe(m.layer !== 'none');
      expect(m.options.includes('neuron'), m.name).toBe(m.neuron);
    }
  });

  it('methodInfo(name) refuses an unknown name and lists the known ones', () => {
    expect(methodInfo('ig').className).toBe('IntegratedGradients');
    expect(() => methodInfo('limes')).toThrow(
      /unknown attribution method "limes".*lime, kernel-shap/,
    );
  });
});

describe('runAttribution(model, name, x, options)', () => {
  const X = LINEAR_X;
  const B = [0.5, -1, 2, 0];
  // Linear f: IG = (x - b) * W[:, t] exactly, from any baseline, with delta 0.
  const expectedIG = (targets: number[]) =>
    X.flatMap((row, i) => row.map((v, j) => (v - B[j]!) * LINEAR_W[j]![targets[i]!]!));

  it("ig from a baseline tensor is (x - b) * w on a linear model, with Captum's delta", async () => {
    const model = linearLayersModel();
    const x = tf.tensor2d(X);
    const b = tf.tensor2d([B]);
    let attr: Float32Array = new Float32Array();
    let delta: Float32Array = new Float32Array();
    await expectNoLeakedTensors(async () => {
      const r = await runAttribution(model, 'ig', x, { target: [0, 2], baselines: b });
      attr = (await r.attributions.data()) as Float32Array;
      delta = (await r.delta!.data()) as Float32Array;
      return r;
    });
    expectedIG([0, 2]).forEach((v, i) => {
      expect(attr[i]).toBeCloseTo(v, 4);
    });
    for (const d of delta) expect(Math.abs(d)).toBeLessThan(1e-4);
    tf.dispose([x, b]);
    model.dispose();
  });

  it('ig with progress reports rows (items x steps) and equals the hand values, per-item baselines', async () => {
    const model = linearLayersModel();
    const x = tf.tensor2d(X);
    const b = tf.tensor2d([B, B]);
    const seen: number[][] = [];
    const r = await runAttribution(model, 'ig', x, {
      target: [0, 2],
      baselines: b,
      nSteps: 10,
      progress: (done, total) => seen.push([done, total]),
    });
    const attr = await r.attributions.data();
    expectedIG([0, 2]).forEach((v, i) => {
      expect(attr[i]).toBeCloseTo(v, 4);
    });
    // 20 rows of 4 values fit in one pass.
    expect(seen).toEqual([
      [0, 20],
      [20, 20],
    ]);
    expect(Array.from(r.target!)).toEqual([0, 2]);
    tf.dispose([x, b, r.attributions, r.delta!]);
    model.dispose();
  });

  it('ig reports the predicted classes it explained (argmax of f(x) by hand: 0 and 2)', async () => {
    const model = linearLayersModel();
    const x = tf.tensor2d(X);
    const r = await runAttribution(model, 'ig', x, { nSteps: 8 });
    expect(Array.from(r.target!)).toEqual([0, 2]);
    expect(methodInfo('ig').reportsTarget).toBe(true);
    expect(METHOD_CATALOG.filter((m) => m.reportsTarget).map((m) => m.name)).toEqual(['ig']);
    tf.dispose([x, r.attributions, r.delta!]);
    model.dispose();
  });

  it('occlusion with the default patch: a 1-value window drops (x - 0) * w for a linear model', async () => {
    const model = linearLayersModel();
    const x = tf.tensor2d(X);
    const r = await runAttribution(model, 'occlusion', x, { target: 1 });
    const attr = await r.attributions.data();
    X.flat().forEach((v, i) => {
      expect(attr[i]).toBeCloseTo(v * LINEAR_W[i % 4]![1]!, 4);
    });
    tf.dispose([x, r.attributions]);
    model.dispose();
  });

  it('refuses an option the method does not read, a missing layer or neuron (InterpError)', async () => {
    const model = linearLayersModel();
    const x = tf.tensor2d(X);
    expect((await attempt(runAttribution(model, 'saliency', x, { nSteps: 5 }))).message).toMatch(
      /option nSteps does not apply to this method \(it reads target\)/,
    );
    expect((await attempt(runAttribution(model, 'layer-ig', x, {}))).message).toMatch(
      /needs \{ layer \}/,
    );
    expect(
      (await attempt(runAttribution(model, 'neuron-gradient', x, { layer: 'x' }))).message,
    ).toMatch(/needs \{ neuron \}/);
    expect((await attempt(runAttribution(model, 'limes', x))).message).toMatch(/unknown/);
    tf.dispose(x);
    model.dispose();
  });

  it('runs every method of the catalog on a small CNN, shaped as the entry says, leaking nothing', async () => {
    const model = smallCnn();
    const x = tf.tensor4d(
      Array.from({ length: 32 }, (_, i) => Math.sin(i + 1)),
      [2, 4, 4, 1],
    );
    const background = tf.tensor4d(
      Array.from({ length: 32 }, (_, i) => 0.1 * Math.cos(i)),
      [2, 4, 4, 1],
    );
    // Four 2x2 quadrants: exact Shapley values stay cheap.
    const quadrants = tf.tensor4d(
      [0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3],
      [1, 4, 4, 1],
      'int32',
    );
    for (const m of METHOD_CATALOG) {
      const o: RunAttributionOptions = {};
      if (m.options.includes('target')) o.target = [0, 2];
      // LayerLRP reads a node with a rule (the conv); a ReLU only passes relevance through.
      if (m.layer === 'required') o.layer = m.name === 'layer-lrp' ? 'feat' : 'act';
      if (m.neuron) o.neuron = [1, 0, 1];
      if (m.options.includes('baselines')) o.baselines = background;
      if (m.options.includes('featureMask')) o.featureMask = quadrants;
      if (m.options.includes('nSamples')) o.nSamples = 8;
      if (m.options.includes('nSteps')) o.nSteps = 8;
      if (m.options.includes('seed')) o.seed = 3;
      const r = await expectNoLeakedTensors(
        () => runAttribution(model, m.name, x, o),
        (res: MethodResult) => tf.dispose([res.attributions, ...(res.delta ? [res.delta] : [])]),
      );
      const shape = { input: [2, 4, 4, 1], image: [2, 4, 4], layer: [2, 2, 2, 2] }[m.output];
      // LayerGradCam sums the layer's channels (Captum's attr_dim_summation).
      if (m.name === 'layer-gradcam') shape[3] = 1;
      expect(r.attributions.shape, m.name).toEqual(shape);
      expect(r.delta !== undefined, m.name).toBe(m.delta);
    }
    tf.dispose([x, background, quadrants]);
    model.dispose();
  });
});

describe('defaultOcclusionWindow(item, layout)', () => {
  it('covers about a seventh of H and W and every channel, in the layout', () => {
    expect(defaultOcclusionWindow([28, 28, 3])).toEqual({
      slidingWindowShapes: [4, 4, 3],
      strides: [2, 2, 3],
    });
    expect(defaultOcclusionWindow([3, 14, 7], 'NCHW')).toEqual({
      slidingWindowShapes: [3, 2, 1],
      strides: [3, 1, 1],
    });
    expect(defaultOcclusionWindow([5])).toEqual({ slidingWindowShapes: [1], strides: 1 });
  });
});
