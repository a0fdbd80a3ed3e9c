// Layer and neuron methods on hand-built tfjs-layers models whose numbers are worked out by
// hand here (matrix products in plain JS), plus bad arguments and leaks.
import { type InterpError, isInterpError, setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { InternalInfluence } from './internal-influence.js';
import { LayerActivation } from './layer-activation.js';
import { LayerConductance } from './layer-conductance.js';
import { LayerDeepLift } from './layer-deep-lift.js';
import { LayerDeepLiftShap } from './layer-deep-lift-shap.js';
import { LayerFeatureAblation } from './layer-feature-ablation.js';
import { LayerGradCam } from './layer-grad-cam.js';
import { LayerGradientShap } from './layer-gradient-shap.js';
import { LayerGradientXActivation } from './layer-gradient-x-activation.js';
import { LayerIntegratedGradients } from './layer-integrated-gradients.js';
import { NeuronConductance } from './neuron-conductance.js';
import { NeuronDeconvolution } from './neuron-deconvolution.js';
import { NeuronDeepLift } from './neuron-deep-lift.js';
import { NeuronFeatureAblation } from './neuron-feature-ablation.js';
import { NeuronGradient } from './neuron-gradient.js';
import { NeuronGradientShap } from './neuron-gradient-shap.js';
import { NeuronGuidedBackprop } from './neuron-guided-backprop.js';
import { NeuronIntegratedGradients } from './neuron-integrated-gradients.js';
import { demoCnn, LINEAR_BIAS, LINEAR_W, linearModel } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** W2 is 3 x 2: the second dense layer. */
const W2 = [
  [0.5, -1],
  [2, 0.25],
  [-1.5, 1],
];
const B2 = [0.05, -0.1];

/** dense1 (4 -> 3, LINEAR_W) -> activation (tanh or linear) -> dense2 (3 -> 2, W2). */
function twoLayer(activation: 'tanh' | 'linear'): tfl.LayersModel {
  const m = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 3, name: 'dense1' }),
      tfl.layers.activation({ activation, name: 'act' }),
      tfl.layers.dense({ units: 2, name: 'dense2' }),
    ],
  });
  m.getLayer('dense1').setWeights([tf.tensor2d(LINEAR_W), tf.tensor1d(LINEAR_BIAS)]);
  m.getLayer('dense2').setWeights([tf.tensor2d(W2), tf.tensor1d(B2)]);
  return m;
}

const X = [
  [0.5, -1, 2, 0.25],
  [-0.75, 0.5, 0, 1.5],
];

/** x W + b for one row. */
function affine(x: number[], w: number[][], b: number[]): number[] {
  return b.map((bk, k) => bk + x.reduce((s, xi, i) => s + xi * w[i]![k]!, 0));
}

function forwardByHand(x: number[], act: (v: number) => number): number[] {
  return affine(affine(x, LINEAR_W, LINEAR_BIAS).map(act), W2, B2);
}

describe('layer methods on a hand-built dense model', () => {
  it('LayerActivation(dense1) is x W + b for batch 1 and batch 2', async () => {
    const model = twoLayer('tanh');
    await expectNoLeakedTensors(async () => {
      const la = new LayerActivation(model, { layer: 'dense1' });
      for (const rows of [X.slice(0, 1), X]) {
        const x = tf.tensor2d(rows);
        const acts = await la.attribute(x);
        expect(acts.shape).toEqual([rows.length, 3]);
        const want = rows.flatMap((r) => affine(r, LINEAR_W, LINEAR_BIAS));
        const got = Array.from(await acts.data());
        got.forEach((v, i) => {
          expect(v).toBeCloseTo(want[i]!, 5);
        });
        tf.dispose([x, acts]);
      }
    });
    model.dispose();
  });

  it('LayerGradientXActivation(dense1) on a linear model is (x W1 + b1) * W2[:, t]', async () => {
    const model = twoLayer('linear');
    await expectNoLeakedTensors(async () => {
      const x = tf.tensor2d(X);
      const attr = await new LayerGradientXActivation(model, { layer: 'dense1' }).attribute(x, {
        target: [1, 0],
      });
      const want = X.flatMap((r, i) =>
        affine(r, LINEAR_W, LINEAR_BIAS).map((a, k) => a * W2[k]![[1, 0][i]!]!),
      );
      Array.from(await attr.data()).forEach((v, i) => {
        expect(v).toBeCloseTo(want[i]!, 5);
      });
      tf.dispose([x, attr]);
    });
    model.dispose();
  });

  it('LayerIntegratedGradients(dense1) is complete: each sum is f(x)[t] - f(baseline)[t]', async () => {
    const model = twoLayer('tanh');
    await expectNoLeakedTensors(async () => {
      const x = tf.tensor2d(X);
      const baseline = [0.25, 0.25, -0.5, 0];
      const baselineTensor = tf.tensor1d(baseline);
      const lig = new LayerIntegratedGradients(model, { layer: 'dense1' });
      const { attributions, delta } = await lig.attribute(x, {
        target: 0,
        baselines: baselineTensor,
        returnConvergenceDelta: true,
      });
      const summed = tf.sum(attributions, 1);
      const sums = await summed.data();
      X.forEach((r, i) => {
        const change = forwardByHand(r, Math.tanh)[0]! - forwardByHand(baseline, Math.tanh)[0]!;
        expect(sums[i]).toBeCloseTo(change, 4);
      });
      for (const d of await delta.data()) expect(Math.abs(d)).toBeLessThan(1e-4);
      tf.dispose([x, attributions, delta, summed, baselineTensor]);
    });
    model.dispose();
  });

  it('attributeToLayerInput: dense2 input is tanh(x W1 + b1); gradient x activation there is it times W2[:, t]', async () => {
    const model = twoLayer('tanh');
    await expectNoLeakedTensors(async () => {
      const x = tf.tensor2d(X);
      const inputOf = { layer: 'dense2', attributeToLayerInput: true };
      const acts = await new LayerActivation(model, inputOf).attribute(x);
      const gxa = await new LayerGradientXActivation(model, inputOf).attribute(x, { target: 1 });
      const hidden = X.map((r) => affine(r, LINEAR_W, LINEAR_BIAS).map(Math.tanh));
      const a = Array.from(await acts.data());
      const g = Array.from(await gxa.data());
      hidden.flat().forEach((h, i) => {
        expect(a[i]).toBeCloseTo(h, 5);
        expect(g[i]).toBeCloseTo(h * W2[i % 3]![1]!, 5);
      });
      tf.dispose([x, acts, gxa]);
    });
    model.dispose();
  });

  it('LayerGradCam on an NHWC (tfjs) conv layer keeps the layout: [N, H, W, 1]', async () => {
    const model = demoCnn(1);
    await expectNoLeakedTensors(async () => {
      const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 3);
      const cam = new LayerGradCam(model, { layer: model.layers[0]!.name });
      const map = await cam.attribute(x, { target: 1 });
      expect(map.shape).toEqual([2, 26, 26, 1]);
      tf.dispose([x, map]);
    });
    model.dispose();
  });

  it('refuses an unknown layer, a plain function and missing baselines', async () => {
    const model = twoLayer('tanh');
    expect(() => new LayerActivation(model, { layer: 'nope' })).toThrow(/nope/);
    expect(() => new LayerActivation(linearModel(), { layer: 'dense1' })).toThrow(
      /needs a model with layers/,
    );
    const x = tf.tensor2d(X);
    await expectNoLeakedTensors(async () => {
      const shap = new LayerDeepLiftShap(model, { layer: 'dense1' });
      await expect(shap.attribute(x, { target: 0 } as never)).rejects.toThrow(
        /baselines must be a tensor \[B, 4\]/,
      );
    });
    x.dispose();
    model.dispose();
  });
});

describe('neuron methods on a hand-built dense model', () => {
  it('NeuronGradient of neuron j of dense1 is column j of its kernel (the weight row in torch terms)', async () => {
    const model = twoLayer('tanh');
    await expectNoLeakedTensors(async () => {
      const x = tf.tensor2d(X);
      const ng = new NeuronGradient(model, { layer: 'dense1' });
      for (const j of [0, 2]) {
        const g = await ng.attribute(x, { neuronSelector: [j] });
        const want = [0, 1].flatMap(() => LINEAR_W.map((row) => row[j]!));
        Array.from(await g.data()).forEach((v, i) => {
          expect(v).toBeCloseTo(want[i]!, 6);
        });
        g.dispose();
      }
      // A selector function: the sum of dense1's units has gradient sum_j W[:, j].
      const g = await ng.attribute(x, { neuronSelector: (out) => tf.sum(out, 1) });
      const want = [0, 1].flatMap(() => LINEAR_W.map((row) => row.reduce((s, v) => s + v, 0)));
      Array.from(await g.data()).forEach((v, i) => {
        expect(v).toBeCloseTo(want[i]!, 5);
      });
      tf.dispose([x, g]);
    });
    model.dispose();
  });

  it('an out-of-range or mis-shaped neuron is an InterpError naming the layer shape', async () => {
    const model = twoLayer('tanh');
    const x = tf.tensor2d(X);
    await expectNoLeakedTensors(async () => {
      const ng = new NeuronGradient(model, { layer: 'dense1' });
      await expect(ng.attribute(x, { neuronSelector: [3] })).rejects.toThrow(
        /neuron \[3\] is out of range for layer "dense1", whose output per item has shape \[3\]/,
      );
      await expect(ng.attribute(x, { neuronSelector: [0, 1] })).rejects.toThrow(
        /does not index layer "dense1".*shape \[3\]/,
      );
      await expect(ng.attribute(x, { neuronSelector: 'a' } as never)).rejects.toThrow(
        /neuronSelector must be an index tuple/,
      );
      const nc = new NeuronConductance(model, { layer: 'dense1' });
      await expect(
        nc.attribute(x, { neuronSelector: (o: tf.Tensor) => tf.sum(o, 1), target: 0 }),
      ).rejects.toThrow(/index tuple/);
    });
    x.dispose();
    model.dispose();
  });
});

describe('every layer and neuron method refuses bad arguments with an InterpError', () => {
  // Loose on purpose: every method's own options type is narrower than this table's.
  type Ctor = new (
    model: never,
    options: never,
  ) => { attribute(x: tf.Tensor, options: never): Promise<unknown> };
  const layerMethods: Record<string, Ctor> = {
    LayerActivation,
    LayerConductance,
    LayerDeepLift,
    LayerDeepLiftShap,
    LayerFeatureAblation,
    LayerGradCam,
    LayerGradientShap,
    LayerGradientXActivation,
    LayerIntegratedGradients,
    InternalInfluence,
  };
  const neuronMethods: Record<string, Ctor> = {
    NeuronConductance,
    NeuronDeconvolution,
    NeuronDeepLift,
    NeuronFeatureAblation,
    NeuronGradient,
    NeuronGradientShap,
    NeuronGuidedBackprop,
    NeuronIntegratedGradients,
  };

  it('a layer that does not exist: UNKNOWN_LAYER naming it', () => {
    const model = twoLayer('tanh');
    for (const [name, Method] of Object.entries({ ...layerMethods, ...neuronMethods })) {
      let error: unknown;
      try {
        new Method(model as never, { layer: 'dense9' } as never);
      } catch (e) {
        error = e;
      }
      expect(isInterpError(error), name).toBe(true);
      expect((error as InterpError).code, name).toBe('UNKNOWN_LAYER');
      expect((error as Error).message, name).toMatch(/dense9/);
    }
    model.dispose();
  });

  it('a neuron out of range: INVALID_ARGUMENT naming the layer shape, nothing leaked', async () => {
    const model = twoLayer('tanh');
    const x = tf.tensor2d(X);
    const baselines = tf.zeros([2, 4]);
    for (const [name, Method] of Object.entries(neuronMethods)) {
      const method = new Method(model as never, { layer: 'dense1' } as never);
      await expectNoLeakedTensors(async () => {
        const error = await method
          .attribute(x, { neuronSelector: [3], target: 0, baselines } as never)
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(isInterpError(error), `${name}: ${String(error)}`).toBe(true);
        expect((error as Error).message, name).toMatch(/out of range.*shape \[3\]/);
      });
    }
    tf.dispose([x, baselines]);
    model.dispose();
  });
});
