// Every neuron method against Captum 0.8's recorded numbers on the committed ONNX models
// (rescnn: residual CNN with batch norm and max pooling, NCHW; mlp: tanh; mlp-softmax).
import { resolveLayerTarget } from './internal/layer-gradient.js';
import { NeuronConductance } from './neuron-conductance.js';
import { NeuronDeconvolution } from './neuron-deconvolution.js';
import { NeuronDeepLift } from './neuron-deep-lift.js';
import { NeuronFeatureAblation } from './neuron-feature-ablation.js';
import { NeuronGradient } from './neuron-gradient.js';
import { neuronGradientShapFromDraws } from './neuron-gradient-shap.js';
import { NeuronGuidedBackprop } from './neuron-guided-backprop.js';
import { NeuronIntegratedGradients } from './neuron-integrated-gradients.js';
import { type CaseRun, captumCaseSuite } from './test-captum-suite.js';

const runs: Record<string, CaseRun> = {
  NeuronGradient: (m, c, x, o) =>
    new NeuronGradient(m, { layer: c.layer! }).attribute(x, o as never),
  NeuronIntegratedGradients: (m, c, x, o) =>
    new NeuronIntegratedGradients(m, { layer: c.layer! }).attribute(x, o as never),
  NeuronConductance: (m, c, x, o) =>
    new NeuronConductance(m, { layer: c.layer! }).attribute(x, o as never),
  NeuronDeepLift: (m, c, x, o) =>
    new NeuronDeepLift(m, { layer: c.layer! }).attribute(x, o as never),
  NeuronGuidedBackprop: (m, c, x, o) =>
    new NeuronGuidedBackprop(m, { layer: c.layer! }).attribute(x, o as never),
  NeuronDeconvolution: (m, c, x, o) =>
    new NeuronDeconvolution(m, { layer: c.layer! }).attribute(x, o as never),
  NeuronFeatureAblation: (m, c, x, o) =>
    new NeuronFeatureAblation(m, { layer: c.layer! }).attribute(x, o as never),
};

captumCaseSuite('neuron', runs, {
  method: 'NeuronGradientShap',
  replay: (model, c, x, baselines, draws) =>
    neuronGradientShapFromDraws(
      resolveLayerTarget(model, c.layer!, 'test'),
      x,
      baselines,
      c.attribute.neuron_selector as number[],
      draws,
      c.attribute.n_samples as number,
      true,
      'test',
    ),
});
