// Every layer method against Captum 0.8's recorded numbers on the committed ONNX models
// (rescnn: residual CNN with batch norm and max pooling, NCHW; mlp: tanh; mlp-softmax).
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { resolveLayerTarget } from './internal/layer-gradient.js';
import { InternalInfluence } from './internal-influence.js';
import { LayerActivation } from './layer-activation.js';
import { LayerConductance } from './layer-conductance.js';
import { LayerDeepLift } from './layer-deep-lift.js';
import { LayerDeepLiftShap } from './layer-deep-lift-shap.js';
import { LayerFeatureAblation } from './layer-feature-ablation.js';
import { LayerGradCam } from './layer-grad-cam.js';
import { LayerGradientShap, layerGradientShapFromDraws } from './layer-gradient-shap.js';
import { LayerGradientXActivation } from './layer-gradient-x-activation.js';
import { LayerIntegratedGradients } from './layer-integrated-gradients.js';
import { captumTensor } from './test-captum-cases.js';
import { type CaseRun, captumCaseSuite } from './test-captum-suite.js';

const runs: Record<string, CaseRun> = {
  LayerActivation: (m, c, x) => new LayerActivation(m, { layer: c.layer! }).attribute(x),
  LayerGradientXActivation: (m, c, x, o) =>
    new LayerGradientXActivation(m, { layer: c.layer! }).attribute(x, o),
  LayerGradCam: (m, c, x, o) => new LayerGradCam(m, { layer: c.layer! }).attribute(x, o),
  InternalInfluence: (m, c, x, o) => new InternalInfluence(m, { layer: c.layer! }).attribute(x, o),
  LayerFeatureAblation: (m, c, x, o) =>
    new LayerFeatureAblation(m, { layer: c.layer! }).attribute(x, o),
  LayerDeepLift: (m, c, x, o) => new LayerDeepLift(m, { layer: c.layer! }).attribute(x, o),
  LayerDeepLiftShap: (m, c, x, o) =>
    new LayerDeepLiftShap(m, { layer: c.layer! }).attribute(x, o as never),
  LayerConductance: (m, c, x, o) => new LayerConductance(m, { layer: c.layer! }).attribute(x, o),
  LayerIntegratedGradients: (m, c, x, o) =>
    new LayerIntegratedGradients(m, { layer: c.layer! }).attribute(x, o),
};

const files = captumCaseSuite('layer', runs, {
  method: 'LayerGradientShap',
  replay: (model, c, x, baselines, draws) =>
    layerGradientShapFromDraws(
      resolveLayerTarget(model, c.layer!, 'test'),
      x,
      baselines,
      Int32Array.from(c.attribute.target as number[]),
      3,
      draws,
      c.attribute.n_samples as number,
      true,
      'test',
    ),
});

describe('LayerGradientShap', () => {
  it('a seeded run gives the same attributions twice and needs baselines', async () => {
    const { file, model } = files.get('mlp')!;
    const x = captumTensor(file.inputs);
    const baselines = tf.zeros([3, 6]);
    const lgs = new LayerGradientShap(model, { layer: 'act1' });
    const a = await lgs.attribute(x, { target: 0, baselines, stdevs: 0.1, randomState: 7 });
    const b = await lgs.attribute(x, { target: 0, baselines, stdevs: 0.1, randomState: 7 });
    expect(await a.data()).toEqual(await b.data());
    await expect(lgs.attribute(x, { target: 0 } as never)).rejects.toThrow(
      /baselines must be a tensor \[B, 6\]/,
    );
    tf.dispose([x, baselines, a, b]);
  });
});
