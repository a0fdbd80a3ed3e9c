// The layer and neuron methods of `interp attribute` (Captum's Layer* and Neuron* classes): each
// needs --layer; the neuron methods also --neuron, an index tuple into the layer's output item.
import type * as tfc from '@tensorflow/tfjs-core';
import type { CaptumMethod, CaptumResult } from './attribute-captum.js';

const path = ['target', 'baseline', 'n-steps', 'ig-method'] as const;
const neuronPath = ['layer', 'neuron', 'baseline', 'n-steps', 'ig-method'] as const;
const tensor = (attributions: tfc.Tensor): CaptumResult => ({ attributions });

/** Layer and neuron entries of the method table (see attribute-captum.ts). */
export const LAYER_METHODS = {
  'layer-ig': {
    uses: ['layer', ...path],
    run: (lib, model, x, r) =>
      new lib.LayerIntegratedGradients(model, { layer: r.layer! }).attribute(x, {
        target: r.targets,
        baselines: r.baselines,
        nSteps: r.nSteps,
        method: r.igMethod,
        returnConvergenceDelta: true,
      }),
  },
  'layer-conductance': {
    uses: ['layer', ...path],
    run: (lib, model, x, r) =>
      new lib.LayerConductance(model, { layer: r.layer! }).attribute(x, {
        target: r.targets,
        baselines: r.baselines,
        nSteps: r.nSteps,
        method: r.igMethod,
        returnConvergenceDelta: true,
      }),
  },
  'internal-influence': {
    uses: ['layer', ...path],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.InternalInfluence(model, { layer: r.layer! }).attribute(x, {
          target: r.targets,
          baselines: r.baselines,
          nSteps: r.nSteps,
          method: r.igMethod,
        }),
      ),
  },
  'layer-activation': {
    uses: ['layer'],
    run: async (lib, model, x, r) =>
      tensor(await new lib.LayerActivation(model, { layer: r.layer! }).attribute(x)),
  },
  'layer-gxa': {
    uses: ['layer', 'target'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.LayerGradientXActivation(model, { layer: r.layer! }).attribute(x, {
          target: r.targets,
        }),
      ),
  },
  'layer-deeplift': {
    uses: ['layer', 'target', 'baseline'],
    run: (lib, model, x, r) =>
      new lib.LayerDeepLift(model, { layer: r.layer! }).attribute(x, {
        target: r.targets,
        baselines: r.baselines,
        returnConvergenceDelta: true,
      }),
  },
  'layer-feature-ablation': {
    uses: ['layer', 'target'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.LayerFeatureAblation(model, { layer: r.layer! }).attribute(x, {
          target: r.targets,
        }),
      ),
  },
  'layer-gradient-shap': {
    uses: ['layer', 'target', 'baseline', 'n-samples', 'seed'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.LayerGradientShap(model, { layer: r.layer! }).attribute(x, {
          target: r.targets,
          baselines: r.baselineTensor,
          nSamples: r.nSamples,
          randomState: r.seed,
        }),
      ),
  },
  'neuron-gradient': {
    uses: ['layer', 'neuron'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.NeuronGradient(model, { layer: r.layer! }).attribute(x, {
          neuronSelector: r.neuron!,
        }),
      ),
  },
  'neuron-ig': {
    uses: neuronPath,
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.NeuronIntegratedGradients(model, { layer: r.layer! }).attribute(x, {
          neuronSelector: r.neuron!,
          baselines: r.baselines,
          nSteps: r.nSteps,
          method: r.igMethod,
        }),
      ),
  },
  'neuron-conductance': {
    uses: ['target', ...neuronPath],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.NeuronConductance(model, { layer: r.layer! }).attribute(x, {
          target: r.targets,
          neuronSelector: r.neuron!,
          baselines: r.baselines,
          nSteps: r.nSteps,
          method: r.igMethod,
        }),
      ),
  },
  'neuron-deeplift': {
    uses: ['layer', 'neuron', 'baseline'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.NeuronDeepLift(model, { layer: r.layer! }).attribute(x, {
          neuronSelector: r.neuron!,
          baselines: r.baselines,
        }),
      ),
  },
  'neuron-guided-backprop': {
    uses: ['layer', 'neuron'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.NeuronGuidedBackprop(model, { layer: r.layer! }).attribute(x, {
          neuronSelector: r.neuron!,
        }),
      ),
  },
  'neuron-deconvolution': {
    uses: ['layer', 'neuron'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.NeuronDeconvolution(model, { layer: r.layer! }).attribute(x, {
          neuronSelector: r.neuron!,
        }),
      ),
  },
  'neuron-feature-ablation': {
    uses: ['layer', 'neuron', 'baseline', 'feature-mask'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.NeuronFeatureAblation(model, { layer: r.layer! }).attribute(x, {
          neuronSelector: r.neuron!,
          baselines: r.baselines,
          featureMask: r.featureMask,
        }),
      ),
  },
  'neuron-gradient-shap': {
    uses: ['layer', 'neuron', 'baseline', 'n-samples', 'seed'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.NeuronGradientShap(model, { layer: r.layer! }).attribute(x, {
          neuronSelector: r.neuron!,
          baselines: r.baselineTensor,
          nSamples: r.nSamples,
          randomState: r.seed,
        }),
      ),
  },
} satisfies Record<string, CaptumMethod>;
