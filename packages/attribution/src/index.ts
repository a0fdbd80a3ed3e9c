export type { ApproximationMethod } from './approximation-parameters.js';
export { APPROXIMATION_METHODS, approximationParameters } from './approximation-parameters.js';
export type {
  AttributionOverlayOptions,
  OverlayInput,
  OverlayMethod,
  RenderedOverlay,
} from './attribution-overlay.js';
export {
  attributionOverlay,
  attributionOverlayDefaults,
  OVERLAY_METHODS,
} from './attribution-overlay.js';
export { Deconvolution } from './deconvolution.js';
export type { DeepLiftAttributeOptions, DeepLiftOptions } from './deep-lift.js';
export { DeepLift, deepLiftDefaults } from './deep-lift.js';
export type { DeepLiftShapAttributeOptions } from './deep-lift-shap.js';
export { DeepLiftShap, deepLiftShapMinBaselines } from './deep-lift-shap.js';
export type { FeatureAblationAttributeOptions } from './feature-ablation.js';
export { FeatureAblation, featureAblationDefaults } from './feature-ablation.js';
export type { FeaturePermutationAttributeOptions } from './feature-permutation.js';
export { FeaturePermutation } from './feature-permutation.js';
export type { GradCAMAttributeOptions, GradCAMOptions } from './grad-cam.js';
export { GradCAM, gradCAMDefaults } from './grad-cam.js';
export type { GradientShapAttributeOptions, GradientShapOptions } from './gradient-shap.js';
export { GradientShap, gradientShapDefaults } from './gradient-shap.js';
export type { GradientTimesInputOptions } from './gradient-times-input.js';
export { gradientTimesInput } from './gradient-times-input.js';
export { GuidedBackprop } from './guided-backprop.js';
export type {
  GuidedGradCamAttributeOptions,
  GuidedGradCamInterpolateMode,
} from './guided-grad-cam.js';
export {
  GUIDED_GRAD_CAM_INTERPOLATE_MODES,
  GuidedGradCam,
  guidedGradCamDefaults,
} from './guided-grad-cam.js';
export type { InfidelityOptions, InfidelityPerturbFunction } from './infidelity.js';
export { infidelity, infidelityDefaults } from './infidelity.js';
export { InputXGradient } from './input-x-gradient.js';
export type {
  AttributionsWithDelta,
  Baseline,
  IntegratedGradientsAttributeOptions,
  IntegratedGradientsOptions,
} from './integrated-gradients.js';
export { IntegratedGradients, integratedGradientsDefaults } from './integrated-gradients.js';
export type { LrpRule } from './internal/lrp-rule.js';
export {
  Alpha1Beta0Rule,
  EpsilonRule,
  GammaRule,
  IdentityRule,
  lrpRuleDefaults,
} from './internal/lrp-rule.js';
export type { LayerPathAttributeOptions } from './internal-influence.js';
export { InternalInfluence } from './internal-influence.js';
export type { KernelShapAttributeOptions } from './kernel-shap.js';
export { KernelShap, kernelShapDefaults } from './kernel-shap.js';
export type { LayerMethodOptions } from './layer-activation.js';
export { LayerActivation, layerMethodDefaults } from './layer-activation.js';
export type { LayerConductanceAttributeOptions } from './layer-conductance.js';
export { LayerConductance } from './layer-conductance.js';
export type { LayerDeepLiftOptions } from './layer-deep-lift.js';
export { LayerDeepLift } from './layer-deep-lift.js';
export type { LayerDeepLiftShapAttributeOptions } from './layer-deep-lift-shap.js';
export { LayerDeepLiftShap } from './layer-deep-lift-shap.js';
export type { LayerFeatureAblationAttributeOptions } from './layer-feature-ablation.js';
export { LayerFeatureAblation } from './layer-feature-ablation.js';
export type { LayerGradCamAttributeOptions } from './layer-grad-cam.js';
export { LayerGradCam, layerGradCamDefaults } from './layer-grad-cam.js';
export type {
  GradientShapSampling,
  LayerGradientShapAttributeOptions,
  LayerGradientShapOptions,
} from './layer-gradient-shap.js';
export { LayerGradientShap } from './layer-gradient-shap.js';
export type { LayerGradientXActivationOptions } from './layer-gradient-x-activation.js';
export {
  LayerGradientXActivation,
  layerGradientXActivationDefaults,
} from './layer-gradient-x-activation.js';
export type {
  LayerIntegratedGradientsAttributeOptions,
  LayerIntegratedGradientsOptions,
} from './layer-integrated-gradients.js';
export { LayerIntegratedGradients } from './layer-integrated-gradients.js';
export type { LayerLRPOptions } from './layer-lrp.js';
export { LayerLRP } from './layer-lrp.js';
export type { LimeAttributeOptions, LimeOptions } from './lime.js';
export { Lime, limeDefaults } from './lime.js';
export type { LRPAttributeOptions, LRPOptions } from './lrp.js';
export { LRP, lrpDefaults } from './lrp.js';
export type { NeuronConductanceAttributeOptions } from './neuron-conductance.js';
export { NeuronConductance, neuronConductanceDefaults } from './neuron-conductance.js';
export { NeuronDeconvolution } from './neuron-deconvolution.js';
export type { NeuronDeepLiftAttributeOptions } from './neuron-deep-lift.js';
export { NeuronDeepLift } from './neuron-deep-lift.js';
export type { NeuronFeatureAblationAttributeOptions } from './neuron-feature-ablation.js';
export { NeuronFeatureAblation } from './neuron-feature-ablation.js';
export type { NeuronAttributeOptions, NeuronSelector } from './neuron-gradient.js';
export { NeuronGradient } from './neuron-gradient.js';
export type { NeuronGradientShapAttributeOptions } from './neuron-gradient-shap.js';
export { NeuronGradientShap } from './neuron-gradient-shap.js';
export { NeuronGuidedBackprop } from './neuron-guided-backprop.js';
export type {
  NeuronIntegratedGradientsOptions,
  NeuronPathAttributeOptions,
} from './neuron-integrated-gradients.js';
export { NeuronIntegratedGradients } from './neuron-integrated-gradients.js';
export type {
  AttributionFunction,
  AttributionMethod,
  NoiseTunnelAttributeOptions,
  NoiseTunnelType,
} from './noise-tunnel.js';
export { NOISE_TUNNEL_TYPES, NoiseTunnel, noiseTunnelDefaults } from './noise-tunnel.js';
export type {
  AttributionSign,
  NormalizeAttributionOptions,
} from './normalize-attribution.js';
export {
  ATTRIBUTION_SIGNS,
  normalizeAttribution,
  normalizeAttributionDefaults,
} from './normalize-attribution.js';
export type { OcclusionAttributeOptions } from './occlusion.js';
export { Occlusion, occlusionDefaults } from './occlusion.js';
export { resolveTarget } from './resolve-target.js';
export type { SaliencyAttributeOptions } from './saliency.js';
export { Saliency, saliencyDefaults } from './saliency.js';
export type { SaliencyMapOptions } from './saliency-map.js';
export { saliencyMap, saliencyMapDefaults } from './saliency-map.js';
export type {
  ExplanationFunction,
  SensitivityMaxOptions,
  SensitivityPerturbFunction,
} from './sensitivity-max.js';
export { sensitivityMax, sensitivityMaxDefaults } from './sensitivity-max.js';
export type { ShapleyValueSamplingAttributeOptions } from './shapley-value-sampling.js';
export { ShapleyValueSampling, shapleyValueSamplingDefaults } from './shapley-value-sampling.js';
export type { ShapleyValuesAttributeOptions } from './shapley-values.js';
export { ShapleyValues, shapleyValuesDefaults } from './shapley-values.js';
export type { SmoothGradOptions } from './smooth-grad.js';
export { SmoothGrad, smoothGradDefaults } from './smooth-grad.js';
export type { AttributeOptions, Attribution, AttributionModel, Target } from './types.js';
