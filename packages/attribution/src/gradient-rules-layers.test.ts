// The gradient-rule methods on a tfjs LayersModel (Dense -> ReLU layer -> Dense, fixed weights)
// against hand-worked values, and their bad-argument errors.
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { Deconvolution } from './deconvolution.js';
import { DeepLift } from './deep-lift.js';
import { DeepLiftShap } from './deep-lift-shap.js';
import { GradCAM } from './grad-cam.js';
import { GradientShap } from './gradient-shap.js';
import { GuidedBackprop } from './guided-backprop.js';
import { GuidedGradCam } from './guided-grad-cam.js';
import { InputXGradient } from './input-x-gradient.js';
import { LRP } from './lrp.js';
import { Saliency } from './saliency.js';
import { demoCnn } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/**
 * z = x W1 + b1 with W1 = [[1, -1], [2, 1]], b1 = [0, 0.5]; h = relu(z) (a separate ReLU layer
 * unless `fused`); f = h W2 with W2 = [[1, 0], [-2, 1]].
 */
function reluNet(fused = false, activationLayer = false): tfl.LayersModel {
  const hidden = tfl.layers.dense({
    inputShape: [2],
    units: 2,
    activation: fused ? 'relu' : 'linear',
  });
  const layers: tfl.layers.Layer[] = [hidden];
  if (!fused)
    layers.push(
      activationLayer ? tfl.layers.activation({ activation: 'relu' }) : tfl.layers.reLU(),
    );
  const out = tfl.layers.dense({ units: 2, useBias: false });
  layers.push(out);
  const m = tfl.sequential({ layers });
  hidden.setWeights([
    tf.tensor2d([
      [1, -1],
      [2, 1],
    ]),
    tf.tensor1d([0, 0.5]),
  ]);
  out.setWeights([
    tf.tensor2d([
      [1, 0],
      [-2, 1],
    ]),
  ]);
  return m;
}

// Item 0, x = [1, 1]: z = [3, 0.5], reference z0 = [0, 0.5]: multipliers [3/3, plain 1]; the
// gradient of f_0 at h is [1, -2], so dx = W1 [1, -2] = [3, 0], attribution x * dx = [3, 0]
// (sum 3 = f_0(x) - f_0(0) = 2 - (-1)). Item 1, x = [1, -1]: z = [-1, -1.5], h = [0, 0] against
// h0 = [0, 0.5]: multipliers [0 / -1, -0.5 / -2 = 0.25], dz = [0, -0.5], dx = [0.5, -0.5],
// attribution [0.5, 0.5] (sum 1 = 0 - (-1)); the plain gradient there is 0.
const x = () =>
  tf.tensor2d([
    [1, 1],
    [1, -1],
  ]);

describe('gradient rules on a tfjs LayersModel', () => {
  it('DeepLift(model).attribute(x, { target: 0 }) is the hand-worked rescale result, delta 0', async () => {
    for (const activationLayer of [false, true]) {
      const xs = x();
      const { attributions, delta } = await new DeepLift(reluNet(false, activationLayer)).attribute(
        xs,
        { target: 0, returnConvergenceDelta: true },
      );
      expect(Array.from(await attributions.data())).toEqual(
        [3, 0, 0.5, 0.5].map((v) => expect.closeTo(v, 5)),
      );
      for (const d of await delta.data()) expect(Math.abs(d)).toBeLessThan(1e-5);
      tf.dispose([xs, attributions, delta]);
    }
  });

  it('GuidedBackprop and Deconvolution apply their ReLU rules to the ReLU layer', async () => {
    // Item 0: dh = [1, -2] -> relu [1, 0]; z > 0 on both units: dz = [1, 0], dx = W1 dz = [1, 2].
    // Item 1: z < 0 on both: guided gives 0; deconvolution ignores z: [1, 2].
    const xs = x();
    const gbp = await new GuidedBackprop(reluNet()).attribute(xs, { target: 0 });
    const dec = await new Deconvolution(reluNet()).attribute(xs, { target: 0 });
    expect(Array.from(await gbp.data())).toEqual([1, 2, 0, 0]);
    expect(Array.from(await dec.data())).toEqual([1, 2, 1, 2]);
    tf.dispose([xs, gbp, dec]);
  });

  it('Saliency and InputXGradient give the plain gradient (0 for item 1, whose ReLUs are off)', async () => {
    const xs = x();
    const sal = await new Saliency(reluNet()).attribute(xs, { target: 0, abs: false });
    const gxi = await new InputXGradient(reluNet()).attribute(xs, { target: 0 });
    // Item 0: both ReLUs on: dx = W1 [1, -2] = [3, 0].
    expect(Array.from(await sal.data())).toEqual([3, 0, 0, 0]);
    expect(Array.from(await gxi.data())).toEqual([3, 0, 0, -0]);
    tf.dispose([xs, sal, gxi]);
  });

  it('LRP(model).attribute(x, { target: 0 }) is the hand-worked epsilon-rule relevance', async () => {
    // Item 0: f_0 = 2; 1/2 through W2[:, 0] = [1, -2] gives [0.5, -1], times h = [3, 0.5]:
    // R_h = [1.5, -0.5]; ReLU passes it; divided by z = [3, 0.5]: [0.5, -1]; W1 gives
    // [1.5, 0], times x and f_0: [3, 0]; delta f_0 - sum = -1 (the bias took the rest).
    // Item 1: h = 0, so no relevance reaches x.
    const xs = x();
    const { attributions, delta } = await new LRP(reluNet()).attribute(xs, {
      target: 0,
      returnConvergenceDelta: true,
    });
    expect(Array.from(await attributions.data())).toEqual(
      [3, 0, 0, 0].map((v) => expect.closeTo(v, 5)),
    );
    expect((await delta.data())[0]).toBeCloseTo(-1, 5);
    expect(() => new LRP(reluNet(true))).toThrow(
      /no rule for node op\(s\) Dense with a fused activation/,
    );
    tf.dispose([xs, attributions, delta]);
  });

  it('DeepLift refuses a Dense layer with a fused relu (no node to apply the rule to)', () => {
    expect(() => new DeepLift(reluNet(true))).toThrow(/applies its activation inside the layer/);
    expect(() => new DeepLiftShap(reluNet(true))).toThrow(/activation 'linear' followed by/);
  });

  // Before the fix both gave the plain gradient on a fused relu (the same numbers for the two
  // rules): a silent wrong answer. The oracle is the twin with a separate ReLU layer.
  it('GuidedBackprop on a Dense with a fused relu equals its twin with a separate ReLU layer', async () => {
    const xs = tf.tensor2d([
      [1, -2],
      [-1, 2],
      [0.5, 0.25],
    ]);
    const fused = reluNet(true);
    const twin = reluNet(false);
    twin.setWeights(fused.getWeights());
    const a = await new GuidedBackprop(fused).attribute(xs, { target: 0 });
    const b = await new GuidedBackprop(twin).attribute(xs, { target: 0 });
    const plain = await new Saliency(fused).attribute(xs, { target: 0, abs: false });
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    expect(Array.from(await a.data())).not.toEqual(Array.from(await plain.data()));
    await expect(new Deconvolution(fused).attribute(xs, { target: 0 })).rejects.toThrow(
      /applies its relu inside the layer, so the deconvolution ReLU rule cannot reach it; build the layer with activation 'linear'/,
    );
    tf.dispose([xs, a, b, plain]);
  });

  it('the node-rule methods refuse a plain function (no nodes to apply rules to)', () => {
    const f = (t: tf.Tensor) => tf.relu(t);
    for (const Method of [DeepLift, DeepLiftShap, GuidedBackprop, Deconvolution, LRP]) {
      expect(() => new Method(f)).toThrow(/a plain function has none/);
    }
  });

  it('bad arguments are InterpErrors that say what to pass', async () => {
    const m = reluNet();
    const xs = x();
    await expect(new DeepLift(m).attribute(xs, { baselines: tf.zeros([3]) })).rejects.toThrow(
      /baseline has shape \[3\] but x has shape \[2, 2\]/,
    );
    await expect(
      new DeepLiftShap(m).attribute(xs, { baselines: tf.zeros([1, 2]) }),
    ).rejects.toThrow(/at least 2/);
    await expect(
      new DeepLiftShap(m).attribute(xs, { baselines: tf.zeros([3, 5]) }),
    ).rejects.toThrow(/baselines has shape \[3, 5\]/);
    await expect(new GradientShap(m).attribute(xs, { baselines: 0, nSamples: 0 })).rejects.toThrow(
      /nSamples must be an integer >= 1/,
    );
    await expect(new GradientShap(m).attribute(xs, { baselines: 0, stdevs: -1 })).rejects.toThrow(
      /stdevs must be/,
    );
    await expect(new Saliency(m).attribute(xs, { additionalForwardArgs: [1] })).rejects.toThrow(
      /additionalForwardArgs is not supported/,
    );
    await expect(new DeepLift(m).attribute(xs, { target: 5 })).rejects.toThrow(/out of range/);
    xs.dispose();
  });

  it('leaks no tensors, on success or on error', async () => {
    const m = reluNet();
    const xs = x();
    const baselines = tf.zeros([3, 2]);
    const wrongShape = tf.zeros([3]);
    const single = tf.zeros([1, 2]);
    await expectNoLeakedTensors(async () => {
      (await new DeepLift(m).attribute(xs)).dispose();
      (await new DeepLiftShap(m).attribute(xs, { baselines })).dispose();
      (
        await new GradientShap(m).attribute(xs, {
          baselines,
          nSamples: 3,
          stdevs: 0.1,
          randomState: 0,
        })
      ).dispose();
      (await new GuidedBackprop(m).attribute(xs)).dispose();
      await new DeepLift(m).attribute(xs, { baselines: wrongShape }).catch(() => 0);
      await new DeepLiftShap(m).attribute(xs, { baselines: single }).catch(() => 0);
    });
    tf.dispose([xs, baselines, wrongShape, single]);
  });
});

describe('GuidedGradCam on a tfjs CNN (NHWC)', () => {
  it('is guided backprop times the Grad-CAM map upsampled by PyTorch nearest (floor) indexing', async () => {
    const model = demoCnn();
    const xs = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
    const ggc = new GuidedGradCam(model);
    const out = await ggc.attribute(xs, { target: 1 });
    const cam = await new GradCAM(model, { layer: ggc.layerName }).attribute(xs, {
      target: 1,
      upsample: false,
    });
    const gbp = await new GuidedBackprop(model).attribute(xs, { target: 1 });
    const [n, h, w] = cam.shape as number[];
    const camData = await cam.data();
    const gbpData = await gbp.data();
    // Not a vacuous comparison: both factors hold evidence.
    expect(Math.max(...camData)).toBeGreaterThan(0);
    expect(Math.max(...Array.from(gbpData, Math.abs))).toBeGreaterThan(0);
    const expected = new Float32Array(2 * 28 * 28);
    for (let b = 0; b < n!; b++)
      for (let i = 0; i < 28; i++)
        for (let j = 0; j < 28; j++) {
          const k = (b * 28 + i) * 28 + j;
          const src = (b * h! + Math.floor((i * h!) / 28)) * w! + Math.floor((j * w!) / 28);
          expected[k] = gbpData[k]! * camData[src]!;
        }
    expect(out.shape).toEqual([2, 28, 28, 1]);
    const got = await out.data();
    for (let k = 0; k < got.length; k++) expect(got[k]).toBeCloseTo(expected[k]!, 6);
    tf.dispose([xs, out, cam, gbp]);
  });
});
