import { arrayDataLoader, DataLoaders, Learner, mseLossPerItem, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import { createDocument, toSVGString } from '@interp/viz';
import { normalizeSVG } from '@interp/viz/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelDebugger } from './model-debugger.js';
import { modelDebuggerDefaults } from './model-debugger-defaults.js';
import { identityThenDeadModel, interpError, x3Learner } from './test-models.js';

let document: Document;
beforeAll(async () => {
  await setupBackend('wasm');
  document = await createDocument();
});

/** dense(1 -> 1) with w = 2, b = 0, mse against 0 on one item x. */
function lineLearner(x: number) {
  const m = tfl.sequential({
    layers: [tfl.layers.dense({ units: 1, inputShape: [1], name: 'line' })],
  });
  m.layers[0]!.setWeights([tf.tensor2d([[2]]), tf.tensor1d([0])]);
  const dl = arrayDataLoader({ data: [x], shape: [1, 1] }, { data: [0], shape: [1, 1] });
  return Learner.fromLayersModel(m, { dls: new DataLoaders(dl, dl), lossFunc: mseLossPerItem });
}

/** h = relu(x [[1, 2], [3, 4]] + [1, -1]); o = h [[1], [1]] (as in the hook tests). */
function twoLayerLearner() {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ units: 2, inputShape: [2], name: 'h', activation: 'relu' }));
  m.add(tfl.layers.dense({ units: 1, name: 'o', useBias: false }));
  m.layers[0]!.setWeights([
    tf.tensor2d([
      [1, 2],
      [3, 4],
    ]),
    tf.tensor1d([1, -1]),
  ]);
  m.layers[1]!.setWeights([tf.tensor2d([[1], [1]])]);
  const dl = arrayDataLoader({ data: [0, 0], shape: [1, 2] }, { data: [0], shape: [1, 1] });
  return Learner.fromLayersModel(m, { dls: new DataLoaders(dl, dl), lossFunc: mseLossPerItem });
}

describe('new ModelDebugger(learn)', () => {
  it('has the expected defaults', () => {
    expect(modelDebuggerDefaults).toEqual({
      gradientFlow: { nBatches: 3, dsIdx: 0, vanishingThreshold: 1e-7, explodingThreshold: 1e3 },
      deadNeurons: { dsIdx: 1, threshold: 0 },
      weightDistribution: { bins: 30, hugeThreshold: 100 },
    });
  });

  it('rejects what is neither a learner nor a model', () => {
    expect(() => new ModelDebugger({} as never)).toThrow(
      interpError(
        /ModelDebugger: the model must be a Learner, a tfjs-layers LayersModel, a ModelGraph/,
      ),
    );
  });
});

describe('checkGradientFlow({ nBatches, dsIdx })', () => {
  it('gives per-layer gradient norm and mean |grad| (hand-computed on a line)', async () => {
    // loss = (w x + b)^2 at x = 1, w = 2: dL/dw = 2 (2) (1) = 4, dL/db = 4.
    const dbg = new ModelDebugger(lineLearner(1));
    const r = await expectNoLeakedTensors(() => dbg.checkGradientFlow());
    expect(r.batches).toBe(1);
    expect(r.layers).toHaveLength(1);
    const l = r.layers[0]!;
    expect(l.layer).toBe('line');
    expect(l.params).toBe(2);
    expect(l.gradNorm).toBeCloseTo(Math.sqrt(32), 5);
    expect(l.meanAbsGrad).toBeCloseTo(4, 5);
    expect(l.maxAbsGrad).toBeCloseTo(4, 5);
    expect(l.status).toBe('ok');
    expect(r.warnings).toEqual([]);
  });

  it('flags exploding gradients by name', async () => {
    // x = 1000: dL/dw = 2 (2000)(1000) = 4e6, dL/db = 4000.
    const r = await new ModelDebugger(lineLearner(1000)).checkGradientFlow();
    expect(r.exploding).toEqual(['line']);
    expect(r.layers[0]!.gradNorm).toBeCloseTo(Math.hypot(4e6, 4e3), -2);
    expect(r.warnings[0]).toMatch(
      /exploding gradients \(norm > 1000\) in line: lower the learning rate/,
    );
  });

  it('shows zero gradient flow through a zero weight path and flags it as vanishing', async () => {
    // identity -> dead (zero kernel): d loss / d identity's weights = 0.
    const r = await new ModelDebugger(x3Learner(identityThenDeadModel(), 2)).checkGradientFlow();
    const [identity, dead] = r.layers;
    expect(identity!.gradNorm).toBe(0);
    expect(identity!.meanAbsGrad).toBe(0);
    expect(identity!.status).toBe('vanishing');
    expect(dead!.status).toBe('ok');
    expect(r.vanishing).toEqual(['identity']);
    expect(r.batches).toBe(2);
  });

  it('plots norms and mean |grad| per layer (golden), flagged layers marked', async () => {
    const dbg = new ModelDebugger(x3Learner(identityThenDeadModel(), 1));
    const svg = dbg.plotGradientFlow(await dbg.checkGradientFlow(), { document });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/gradient-flow.svg',
    );
    const texts = Array.from(svg.querySelectorAll('text')).map((t) => t.textContent);
    expect(texts).toEqual(
      expect.arrayContaining(['identity (vanishing)', 'dead', 'Gradient norm', 'Mean |gradient|']),
    );
  });
});

describe('checkLayerOutputs(x)', () => {
  it('reports shape, mean, std, min, max and NaN/Inf counts per layer', async () => {
    const dbg = new ModelDebugger(twoLayerLearner());
    const x = tf.tensor2d([
      [1, 0],
      [0, -1],
    ]);
    const r = await expectNoLeakedTensors(() => dbg.checkLayerOutputs(x));
    // h = [[2, 1], [0, 0]]: mean .75, sample std sqrt(2.75 / 3); o = [3, 0]: mean 1.5, std sqrt(4.5).
    const [h, o] = r.layers;
    expect(h).toMatchObject({
      layer: 'h',
      type: 'Dense',
      shape: [2, 2],
      min: 0,
      max: 2,
      nanCount: 0,
      infCount: 0,
    });
    expect(h!.mean).toBeCloseTo(0.75, 6);
    expect(h!.std).toBeCloseTo(Math.sqrt(2.75 / 3), 6);
    expect(o!.mean).toBeCloseTo(1.5, 6);
    expect(o!.std).toBeCloseTo(Math.sqrt(4.5), 6);
    expect(r.warnings).toEqual([]);
    // x = [inf, 0]: h = [inf, inf], o = inf.
    const inf = tf.tensor2d([[Number.POSITIVE_INFINITY, 0]]);
    const bad = await dbg.checkLayerOutputs(inf);
    expect(bad.layers.map((l) => [l.infCount, l.nanCount])).toEqual([
      [2, 0],
      [1, 0],
    ]);
    expect(bad.warnings).toEqual([
      'h outputs 0 NaN and 2 infinite values',
      'o outputs 0 NaN and 1 infinite values',
    ]);
    const svg = dbg.plotLayerOutputs(r, { document });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/layer-outputs.svg',
    );
    expect(Array.from(svg.querySelectorAll('text')).map((t) => t.textContent)).toEqual(
      expect.arrayContaining(['Output mean ± std', 'Largest |output|', 'h', 'o']),
    );
    tf.dispose([x, inf]);
  });

  it('warns about a layer that outputs a constant', async () => {
    const dbg = new ModelDebugger(x3Learner(identityThenDeadModel(), 1));
    const x = tf.tensor2d([[1, 2]]);
    const r = await dbg.checkLayerOutputs(x, { layers: ['dead'] });
    expect(r.layers.map((l) => l.layer)).toEqual(['dead']);
    expect(r.warnings).toEqual([
      'dead outputs the constant 0 for every item: it passes no information on',
    ]);
    await expect(dbg.checkLayerOutputs('x' as never)).rejects.toThrow(
      interpError(/needs an input tensor x/),
    );
    x.dispose();
  });
});

describe('checkDeadNeurons({ dsIdx, threshold })', () => {
  it('finds units that never activate over the validation set', async () => {
    const dbg = new ModelDebugger(x3Learner(identityThenDeadModel(), 2));
    const r = await expectNoLeakedTensors(() => dbg.checkDeadNeurons());
    expect(r.items).toBe(6);
    // identity: unit 0 sees 0, 0.3, -1 (max 0.3), unit 1 sees 0.05, 10, 10.5: both alive. dead: 0 always.
    expect(r.layers).toEqual([
      { layer: 'identity', type: 'Dense', units: 2, deadUnits: [], deadFraction: 0 },
      { layer: 'dead', type: 'Dense', units: 2, deadUnits: [0, 1], deadFraction: 1 },
    ]);
    expect(r.warnings).toEqual([
      'dead: 2 of 2 units (100.0%) never activate: the layer is dead; try a lower learning rate, LeakyReLU, or another initialization',
    ]);
    // With threshold 0.5, identity's unit 0 (max 0.3) counts as dead too.
    expect((await dbg.checkDeadNeurons({ threshold: 0.5 })).layers[0]!.deadUnits).toEqual([0]);
    const svg = dbg.plotDeadNeurons(r, { document });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/dead-neurons.svg',
    );
    expect(Array.from(svg.querySelectorAll('text')).map((t) => t.textContent)).toEqual(
      expect.arrayContaining(['identity (0/2)', 'dead (2/2)', 'Dead units over 6 items']),
    );
  });
});

describe('checkWeightDistribution({ bins, hugeThreshold })', () => {
  it('gives stats and histograms per weight, with warnings', async () => {
    const model = identityThenDeadModel();
    const dbg = new ModelDebugger(x3Learner(model, 1));
    const r = await expectNoLeakedTensors(() => dbg.checkWeightDistribution({ bins: 2 }));
    const kernel = r.weights[0]!;
    // identity kernel [[1, 0], [0, 1]]: mean .5, population std .5, half zeros; bins [0, .5), [.5, 1].
    expect(kernel).toMatchObject({
      layer: 'identity',
      shape: [2, 2],
      count: 4,
      mean: 0.5,
      std: 0.5,
      min: 0,
      max: 1,
      zeroFraction: 0.5,
    });
    expect(kernel.name).toMatch(/kernel$/);
    expect(kernel.hist).toEqual({ edges: [0, 0.5, 1], counts: [2, 2] });
    expect(r.weights.map((w) => w.name.split('/').at(-1))).toEqual([
      'kernel',
      'bias',
      'kernel',
      'bias',
    ]);
    // Zero biases are normal; the dead layer's zero kernel is not.
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/dead\/kernel is all zero: the layer passes no signal/);
    model.layers[0]!.setWeights([
      tf.tensor2d([
        [1, 0],
        [0, 1000],
      ]),
      tf.zeros([2]),
    ]);
    const huge = await dbg.checkWeightDistribution();
    expect(huge.warnings[0]).toMatch(
      /identity\/kernel has huge values \(\|w\| up to 1.00e\+3 > 100\)/,
    );
    const svg = dbg.plotWeightDistribution(r, { document });
    await expect(normalizeSVG(toSVGString(svg))).toMatchFileSnapshot(
      './__goldens__/weight-distribution.svg',
    );
    expect(svg.querySelectorAll('g[aria-label="line"]')).toHaveLength(4);
    await expect(dbg.checkWeightDistribution({ bins: 0 })).rejects.toThrow(
      interpError(/bins must be >= 1/),
    );
  });
});
