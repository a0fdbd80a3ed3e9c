// How each primary method of the catalog is constructed and called: one short entry per name.
import * as tf from '@tensorflow/tfjs-core';
import { Deconvolution } from '../deconvolution.js';
import { DeepLift } from '../deep-lift.js';
import { DeepLiftShap } from '../deep-lift-shap.js';
import { FeatureAblation } from '../feature-ablation.js';
import { FeaturePermutation } from '../feature-permutation.js';
import { GradCAM } from '../grad-cam.js';
import { GradientShap } from '../gradient-shap.js';
import { gradientTimesInput } from '../gradient-times-input.js';
import { GuidedBackprop } from '../guided-backprop.js';
import { GuidedGradCam } from '../guided-grad-cam.js';
import { integratedGradientsWithTargets } from '../integrated-gradients.js';
import { KernelShap } from '../kernel-shap.js';
import { Lime } from '../lime.js';
import { LRP } from '../lrp.js';
import { NoiseTunnel } from '../noise-tunnel.js';
import { Occlusion } from '../occlusion.js';
import { saliencyMap } from '../saliency-map.js';
import { ShapleyValueSampling } from '../shapley-value-sampling.js';
import { ShapleyValues } from '../shapley-values.js';
import type { AttributionModel } from '../types.js';
import { defaultOcclusionWindow } from './default-occlusion-window.js';
import {
  type MethodResult,
  type RunAttributionOptions,
  runAttributionDefaults,
} from './run-attribution-options.js';

/** Runs one method; tensors it makes for the call go to `own` (disposed by runAttribution). */
export type MethodRunner = (
  model: AttributionModel,
  x: tf.Tensor,
  o: RunAttributionOptions,
  own: tf.Tensor[],
) => Promise<MethodResult>;

/** A tensor baseline (the distribution methods need one): a number becomes a filled item. */
export function baselineTensor(
  x: tf.Tensor,
  baselines: RunAttributionOptions['baselines'],
  own: tf.Tensor[],
): tf.Tensor {
  if (baselines instanceof tf.Tensor) return baselines;
  const b = tf.fill([1, ...x.shape.slice(1)], baselines ?? 0);
  own.push(b);
  return b;
}

/** A method's tensor result as a {@link MethodResult}. */
export const wrap = async (p: Promise<tf.Tensor>): Promise<MethodResult> => ({
  attributions: await p,
});

/** The sampling methods' shared options (Captum's names). */
/** The perturbation methods' shared options: what an absent feature becomes and the features. */
const masked = (o: RunAttributionOptions) => ({
  target: o.target,
  baselines: o.baselines,
  featureMask: o.featureMask,
});

const sampled = (o: RunAttributionOptions) => ({
  ...masked(o),
  nSamples: o.nSamples,
  randomState: o.seed,
});

/** The path methods' shared options (IG's `method` is the quadrature rule). */
export const pathOptions = (o: RunAttributionOptions) => ({
  target: o.target,
  baselines: o.baselines,
  nSteps: o.nSteps,
  method: o.approximation,
});

async function smoothGrad(
  model: AttributionModel,
  x: tf.Tensor,
  o: RunAttributionOptions,
): Promise<MethodResult> {
  const nSamples = o.nSamples ?? runAttributionDefaults.smoothGradSamples;
  let stdevs = o.stdevs;
  if (stdevs === undefined) {
    const [lo, hi] = tf.tidy(() => [tf.min(x), tf.max(x)]);
    const range = (await hi!.data())[0]! - (await lo!.data())[0]!;
    tf.dispose([lo!, hi!]);
    stdevs = runAttributionDefaults.smoothGradNoise * (range > 0 ? range : 1);
  }
  const total = x.shape[0]! * nSamples;
  let done = 0;
  o.progress?.(0, total);
  // Saliency without abs, counted row by row: the noise stream is SmoothGrad's own.
  const tunnel = new NoiseTunnel(model, async (noisy, { target }) => {
    const a = await saliencyMap(model, noisy, { target, abs: false });
    done += noisy.shape[0]!;
    o.progress?.(done, total);
    return a;
  });
  return wrap(
    tunnel.attribute(x, {
      target: o.target,
      nSamples,
      stdevs,
      randomState: o.seed ?? runAttributionDefaults.smoothGradSeed,
    }),
  );
}

/** The primary methods (and GradCAM), by catalog name. */
export const PRIMARY_RUNNERS = {
  saliency: (model, x, o) => wrap(saliencyMap(model, x, { target: o.target })),
  gxi: (model, x, o) => wrap(gradientTimesInput(model, x, { target: o.target })),
  ig: async (model, x, o) => {
    // The classes come back with the result: its delta's forward pass chose them.
    const r = await integratedGradientsWithTargets(model, x, {
      ...pathOptions(o),
      progress: o.progress,
    });
    return { attributions: r.attributions, delta: r.delta, target: r.targets };
  },
  smoothgrad: smoothGrad,
  deeplift: (model, x, o) =>
    new DeepLift(model).attribute(x, {
      target: o.target,
      baselines: o.baselines,
      returnConvergenceDelta: true,
    }),
  'deeplift-shap': (model, x, o, own) =>
    wrap(
      new DeepLiftShap(model).attribute(x, {
        target: o.target,
        baselines: baselineTensor(x, o.baselines, own),
      }),
    ),
  'gradient-shap': (model, x, o) =>
    wrap(
      new GradientShap(model).attribute(x, {
        target: o.target,
        baselines: o.baselines ?? 0,
        nSamples: o.nSamples,
        stdevs: o.stdevs,
        randomState: o.seed,
      }),
    ),
  'guided-backprop': (model, x, o) =>
    wrap(new GuidedBackprop(model).attribute(x, { target: o.target })),
  deconvolution: (model, x, o) => wrap(new Deconvolution(model).attribute(x, { target: o.target })),
  'guided-gradcam': async (model, x, o) => {
    const ggc = new GuidedGradCam(model, { layer: o.layer });
    return { attributions: await ggc.attribute(x, { target: o.target }), layer: ggc.layerName };
  },
  gradcam: async (model, x, o) => {
    const cam = new GradCAM(model, { layer: o.layer });
    const attributions = await cam.attribute(x, { target: o.target });
    return { attributions, layer: cam.layerName, warnings: cam.warnings };
  },
  occlusion: (model, x, o) => {
    const patch =
      o.slidingWindowShapes === undefined
        ? defaultOcclusionWindow(x.shape.slice(1), o.layout)
        : { slidingWindowShapes: o.slidingWindowShapes, strides: o.strides };
    return wrap(
      new Occlusion(model).attribute(x, {
        target: o.target,
        baseline: o.baselines,
        slidingWindowShapes: patch.slidingWindowShapes,
        strides: o.strides ?? patch.strides,
      }),
    );
  },
  'feature-ablation': (model, x, o) => wrap(new FeatureAblation(model).attribute(x, masked(o))),
  'feature-permutation': (model, x, o) =>
    wrap(
      new FeaturePermutation(model).attribute(x, {
        target: o.target,
        featureMask: o.featureMask,
        randomState: o.seed,
      }),
    ),
  shapley: (model, x, o) => wrap(new ShapleyValues(model).attribute(x, masked(o))),
  'shapley-sampling': (model, x, o) =>
    wrap(new ShapleyValueSampling(model).attribute(x, sampled(o))),
  lime: (model, x, o) => wrap(new Lime(model).attribute(x, sampled(o))),
  'kernel-shap': (model, x, o) => wrap(new KernelShap(model).attribute(x, sampled(o))),
  lrp: (model, x, o) =>
    new LRP(model).attribute(x, { target: o.target, returnConvergenceDelta: true }),
} satisfies Record<string, MethodRunner>;
