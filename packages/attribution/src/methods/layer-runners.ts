// How each layer and neuron method of the catalog is constructed and called: `o.layer` (and
// `o.neuron`) are present, runAttribution checked them against the catalog first.
import { InternalInfluence } from '../internal-influence.js';
import { LayerActivation } from '../layer-activation.js';
import { LayerConductance } from '../layer-conductance.js';
import { LayerDeepLift } from '../layer-deep-lift.js';
import { LayerDeepLiftShap } from '../layer-deep-lift-shap.js';
import { LayerFeatureAblation } from '../layer-feature-ablation.js';
import { LayerGradCam } from '../layer-grad-cam.js';
import { LayerGradientShap } from '../layer-gradient-shap.js';
import { LayerGradientXActivation } from '../layer-gradient-x-activation.js';
import { LayerIntegratedGradients } from '../layer-integrated-gradients.js';
import { LayerLRP } from '../layer-lrp.js';
import { NeuronConductance } from '../neuron-conductance.js';
import { NeuronDeconvolution } from '../neuron-deconvolution.js';
import { NeuronDeepLift } from '../neuron-deep-lift.js';
import { NeuronFeatureAblation } from '../neuron-feature-ablation.js';
import { NeuronGradient } from '../neuron-gradient.js';
import { NeuronGradientShap } from '../neuron-gradient-shap.js';
import { NeuronGuidedBackprop } from '../neuron-guided-backprop.js';
import { NeuronIntegratedGradients } from '../neuron-integrated-gradients.js';
import { baselineTensor, type MethodRunner, pathOptions, wrap } from './primary-runners.js';
import type { RunAttributionOptions } from './run-attribution-options.js';

const at = (o: RunAttributionOptions) => ({ layer: o.layer! });
const unit = (o: RunAttributionOptions) => ({ neuronSelector: o.neuron! });
const neuronPath = (o: RunAttributionOptions) => {
  const { target: _, ...rest } = pathOptions(o);
  return { ...unit(o), ...rest };
};
const shapSampling = (o: RunAttributionOptions) => ({
  nSamples: o.nSamples,
  stdevs: o.stdevs,
  randomState: o.seed,
});

/** The layer and neuron methods, by catalog name. */
export const LAYER_RUNNERS = {
  'layer-ig': (model, x, o) =>
    new LayerIntegratedGradients(model, at(o)).attribute(x, {
      ...pathOptions(o),
      returnConvergenceDelta: true,
    }),
  'layer-conductance': (model, x, o) =>
    new LayerConductance(model, at(o)).attribute(x, {
      ...pathOptions(o),
      returnConvergenceDelta: true,
    }),
  'internal-influence': (model, x, o) =>
    wrap(new InternalInfluence(model, at(o)).attribute(x, pathOptions(o))),
  'layer-activation': (model, x, o) => wrap(new LayerActivation(model, at(o)).attribute(x)),
  'layer-gxa': (model, x, o) =>
    wrap(new LayerGradientXActivation(model, at(o)).attribute(x, { target: o.target })),
  'layer-deeplift': (model, x, o) =>
    new LayerDeepLift(model, at(o)).attribute(x, {
      target: o.target,
      baselines: o.baselines,
      returnConvergenceDelta: true,
    }),
  'layer-deeplift-shap': (model, x, o, own) =>
    wrap(
      new LayerDeepLiftShap(model, at(o)).attribute(x, {
        target: o.target,
        baselines: baselineTensor(x, o.baselines, own),
      }),
    ),
  'layer-gradient-shap': (model, x, o, own) =>
    wrap(
      new LayerGradientShap(model, at(o)).attribute(x, {
        target: o.target,
        baselines: baselineTensor(x, o.baselines, own),
        ...shapSampling(o),
      }),
    ),
  'layer-feature-ablation': (model, x, o) =>
    wrap(new LayerFeatureAblation(model, at(o)).attribute(x, { target: o.target })),
  'layer-gradcam': (model, x, o) =>
    wrap(new LayerGradCam(model, at(o)).attribute(x, { target: o.target })),
  'layer-lrp': (model, x, o) =>
    new LayerLRP(model, at(o)).attribute(x, { target: o.target, returnConvergenceDelta: true }),
  'neuron-gradient': (model, x, o) => wrap(new NeuronGradient(model, at(o)).attribute(x, unit(o))),
  'neuron-ig': (model, x, o) =>
    wrap(new NeuronIntegratedGradients(model, at(o)).attribute(x, neuronPath(o))),
  'neuron-conductance': (model, x, o) =>
    wrap(new NeuronConductance(model, at(o)).attribute(x, { target: o.target, ...neuronPath(o) })),
  'neuron-deeplift': (model, x, o) =>
    wrap(new NeuronDeepLift(model, at(o)).attribute(x, { ...unit(o), baselines: o.baselines })),
  'neuron-guided-backprop': (model, x, o) =>
    wrap(new NeuronGuidedBackprop(model, at(o)).attribute(x, unit(o))),
  'neuron-deconvolution': (model, x, o) =>
    wrap(new NeuronDeconvolution(model, at(o)).attribute(x, unit(o))),
  'neuron-feature-ablation': (model, x, o) =>
    wrap(
      new NeuronFeatureAblation(model, at(o)).attribute(x, {
        ...unit(o),
        baselines: o.baselines,
        featureMask: o.featureMask,
      }),
    ),
  'neuron-gradient-shap': (model, x, o, own) =>
    wrap(
      new NeuronGradientShap(model, at(o)).attribute(x, {
        ...unit(o),
        baselines: baselineTensor(x, o.baselines, own),
        ...shapSampling(o),
      }),
    ),
} satisfies Record<string, MethodRunner>;
