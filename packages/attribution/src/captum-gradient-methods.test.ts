// The gradient-rule methods (Saliency, InputXGradient, GuidedBackprop, Deconvolution, DeepLift,
// DeepLiftShap, GradientShap, GuidedGradCam) against Captum 0.8's own numbers on the committed
// ONNX models (test-fixtures/captum): float32 here vs Captum's float64, within 2e-3 relative.
import type { ModelGraph } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { Deconvolution } from './deconvolution.js';
import { DeepLift } from './deep-lift.js';
import { DeepLiftShap } from './deep-lift-shap.js';
import { GradientShap } from './gradient-shap.js';
import { GuidedBackprop } from './guided-backprop.js';
import { GuidedGradCam } from './guided-grad-cam.js';
import { InputXGradient } from './input-x-gradient.js';
import { IntegratedGradients } from './integrated-gradients.js';
import { gradientShapAttributions } from './internal/gradient-shap-sampling.js';
import { resolveModel } from './internal/resolve-model.js';
import { LRP } from './lrp.js';
import { Saliency } from './saliency.js';
import {
  attributionsAndDelta,
  type CaptumCase,
  type CaptumModelName,
  captumCase,
  captumTensor,
  expectCloseToCaptum,
  isCaptumTensor,
  loadedCaptumModels,
} from './test-captum-cases.js';

const mainModels: readonly CaptumModelName[] = ['rescnn', 'mlp', 'mlp-softmax'];
const models = loadedCaptumModels(mainModels);

/** A case's tensor argument (the caller disposes), or the value itself. */
function arg(c: CaptumCase, key: string): unknown {
  const v = c.attribute[key];
  return isCaptumTensor(v) ? captumTensor(v) : v;
}

async function run(
  name: CaptumModelName,
  caseName: string,
  attribute: (graph: ModelGraph, x: tf.Tensor, c: CaptumCase) => Promise<unknown>,
): Promise<void> {
  const { graph, file } = models.get(name)!;
  const c = captumCase(file, caseName);
  const x = captumTensor(c.inputs ?? file.inputs);
  try {
    const result = await attribute(graph, x, c);
    const { attributions, delta } = attributionsAndDelta(result);
    await expectCloseToCaptum(attributions, c.expected);
    if (c.delta) {
      expect(delta, 'Captum returned a delta').toBeDefined();
      // Deltas are differences of near-equal sums: compare on the attributions' scale.
      const scale = Math.max(...c.expected.values.map(Math.abs));
      const d = await delta!.data();
      for (let i = 0; i < d.length; i++) {
        expect(Math.abs(d[i]! - c.delta.values[i]!)).toBeLessThan(2e-3 * scale + 1e-5);
      }
    }
    tf.dispose([attributions, delta as tf.Tensor]);
  } finally {
    x.dispose();
  }
}

const target = (c: CaptumCase) => c.attribute.target as number | number[];

describe.each(mainModels)('gradient methods on %s equal Captum 0.8', (name) => {
  it('Saliency (abs and signed), InputXGradient', async () => {
    await run(name, 'saliency', (g, x, c) => new Saliency(g).attribute(x, { target: target(c) }));
    await run(name, 'saliency-signed', (g, x, c) =>
      new Saliency(g).attribute(x, { target: target(c), abs: false }),
    );
    await run(name, 'input-x-gradient', (g, x, c) =>
      new InputXGradient(g).attribute(x, { target: target(c) }),
    );
  });

  it('GuidedBackprop and Deconvolution', async () => {
    await run(name, 'guided-backprop', (g, x, c) =>
      new GuidedBackprop(g).attribute(x, { target: target(c) }),
    );
    await run(name, 'deconvolution', (g, x, c) =>
      new Deconvolution(g).attribute(x, { target: target(c) }),
    );
  });

  it('DeepLift: zero baseline with delta, local (multiplyByInputs false), per-item baselines', async () => {
    await run(name, 'deeplift', (g, x, c) =>
      new DeepLift(g).attribute(x, { target: target(c), returnConvergenceDelta: true }),
    );
    await run(name, 'deeplift-local', async (g, x, c) => {
      const baselines = arg(c, 'baselines') as tf.Tensor;
      const out = await new DeepLift(g, { multiplyByInputs: false }).attribute(x, {
        target: target(c),
        baselines,
      });
      baselines.dispose();
      return out;
    });
    await run(name, 'deeplift-baselines', async (g, x, c) => {
      const baselines = arg(c, 'baselines') as tf.Tensor;
      const out = await new DeepLift(g).attribute(x, {
        target: target(c),
        baselines,
        returnConvergenceDelta: true,
      });
      baselines.dispose();
      return out;
    });
  });

  it('DeepLiftShap: mean DeepLift over a 3-baseline distribution, one delta per (item, baseline)', async () => {
    await run(name, 'deeplift-shap', async (g, x, c) => {
      const baselines = arg(c, 'baselines') as tf.Tensor;
      const out = await new DeepLiftShap(g).attribute(x, {
        target: target(c),
        baselines,
        returnConvergenceDelta: true,
      });
      baselines.dispose();
      return out;
    });
  });

  it("GradientShap: Captum's recorded draws replayed give its numbers", async () => {
    await run(name, 'gradient-shap', async (g, x, c) => {
      const baselines = arg(c, 'baselines') as tf.Tensor;
      const d = c.draws as {
        noise: CaptumCase['expected'];
        baseline_indices: number[];
        alphas: number[];
      };
      const noise = captumTensor(d.noise);
      const targets = Int32Array.from(target(c) as number[]);
      const out = gradientShapAttributions(
        resolveModel(g, 'test'),
        { x, targets, numClasses: 3 },
        baselines,
        {
          noise,
          baselineIndices: Int32Array.from(d.baseline_indices),
          alphas: Float32Array.from(d.alphas),
        },
        c.attribute.n_samples as number,
        true,
        false,
        'test',
      );
      tf.dispose([baselines, noise]);
      return out;
    });
  });

  it("GradientShap's seeded average equals IG's integral within Captum's own sampling error", async () => {
    const { graph, file } = models.get(name)!;
    const c = captumCase(file, 'gradient-shap-expectation');
    const x = captumTensor(file.inputs);
    const baselines = arg(c, 'baselines') as tf.Tensor;
    const attr = await new GradientShap(graph).attribute(x, {
      target: target(c),
      baselines,
      nSamples: c.attribute.n_samples as number,
      randomState: 0,
    });
    const error = (c as unknown as { captum_sampling_error: { max_abs: number } })
      .captum_sampling_error;
    // Captum's own 5 seeded runs were off by at most max_abs; allow twice that for one seed here.
    await expectCloseToCaptum(
      attr,
      c.expected,
      (2 * error.max_abs) / Math.max(...c.expected.values.map(Math.abs)),
    );
    tf.dispose([x, baselines, attr]);
  });

  it('leaks no tensors', async () => {
    const { graph, file } = models.get(name)!;
    const x = captumTensor(file.inputs);
    await expectNoLeakedTensors(async () => {
      for (const method of [new DeepLift(graph), new GuidedBackprop(graph), new Saliency(graph)]) {
        (await method.attribute(x, { target: 1 })).dispose();
      }
      const baselines = tf.zeros([4, ...x.shape.slice(1)]);
      const dls = await new DeepLiftShap(graph).attribute(x, {
        baselines,
        returnConvergenceDelta: true,
      });
      const gs = await new GradientShap(graph).attribute(x, {
        baselines,
        stdevs: 0.1,
        randomState: 1,
        returnConvergenceDelta: true,
      });
      tf.dispose([baselines, dls.attributions, dls.delta, gs.attributions, gs.delta]);
    });
    x.dispose();
  });
});

describe('GuidedGradCam on rescnn equals Captum 0.8', () => {
  it('guided backprop x nearest-upsampled Grad-CAM of block.relu2', async () => {
    await run('rescnn', 'guided-gradcam', (g, x, c) =>
      new GuidedGradCam(g, { layer: c.layer! }).attribute(x, { target: target(c) }),
    );
  });

  it('rejects vector inputs, attributeToLayerInput and unknown modes; leaks nothing', async () => {
    const { graph, file } = models.get('rescnn')!;
    const mlp = models.get('mlp')!.graph;
    const x = captumTensor(file.inputs);
    await expect(
      new GuidedGradCam(mlp, { layer: 'fc1' }).attribute(tf.zeros([1, 6])),
    ).rejects.toThrow(/needs image inputs/);
    const ggc = new GuidedGradCam(graph, { layer: 'block.relu2' });
    await expect(ggc.attribute(x, { attributeToLayerInput: true })).rejects.toThrow(
      /not supported/,
    );
    await expect(ggc.attribute(x, { interpolateMode: 'cubic' as never })).rejects.toThrow(
      /interpolateMode/,
    );
    expect(() => new GuidedGradCam(graph, { layer: 'block.nope' })).toThrow(
      /no node or layer named/,
    );
    await expectNoLeakedTensors(async () => {
      (await ggc.attribute(x, { target: 2, interpolateMode: 'bilinear' })).dispose();
    });
    x.dispose();
  });
});

describe('LRP equals Captum 0.8 (epsilon rule)', () => {
  it.each(['rescnn', 'mlp'] as const)('on %s, with its delta', async (name) => {
    await run(name, 'lrp', (g, x, c) =>
      new LRP(g).attribute(x, { target: target(c), returnConvergenceDelta: true }),
    );
  });

  it('refuses Sigmoid and Softmax nodes by op, as Captum does; leaks nothing', async () => {
    expect(() => new LRP(models.get('mlp-softmax')!.graph)).toThrow(
      /no rule for node op\(s\) Sigmoid, Softmax/,
    );
    const { graph, file } = models.get('rescnn')!;
    const x = captumTensor(file.inputs);
    await expectNoLeakedTensors(async () => {
      const r = await new LRP(graph).attribute(x, { returnConvergenceDelta: true });
      tf.dispose([r.attributions, r.delta]);
    });
    x.dispose();
  });
});

describe("IntegratedGradients takes Captum's per-call baselines", () => {
  it.each(['rescnn', 'mlp', 'mlp-softmax'] as const)('ig-trapezoid on %s', async (name) => {
    await run(name, 'ig-trapezoid', async (g, x, c) => {
      const baselines = arg(c, 'baselines') as tf.Tensor;
      const out = await new IntegratedGradients(g).attribute(x, {
        target: target(c),
        baselines,
        nSteps: c.attribute.n_steps as number,
        method: 'riemann_trapezoid',
        returnConvergenceDelta: true,
      });
      baselines.dispose();
      return out;
    });
  });
});
