// The attribution methods by their kebab-case names (the `interp attribute --method` names), as
// plain data: a method picker, a help text or an option check reads this file without pulling
// in any method class or tfjs (the classes are in *-runners.ts, run by runAttribution).
import { InterpError } from '@interp/core/base';

/** Where a method's attributions live: Captum's primary, layer and neuron families. */
export type MethodKind = 'primary' | 'layer' | 'neuron';

/**
 * An option of {@link runAttribution} a method may read (besides the model and the input):
 * `approximation` is the path methods' quadrature rule (Captum's `method`), `slidingWindowShapes`
 * and `strides` occlusion's patch, `neuron` an index tuple into one item of the layer's output.
 */
export type MethodOption =
  | 'target'
  | 'baselines'
  | 'nSteps'
  | 'approximation'
  | 'nSamples'
  | 'stdevs'
  | 'seed'
  | 'slidingWindowShapes'
  | 'strides'
  | 'featureMask'
  | 'layer'
  | 'neuron';

/** Every {@link MethodOption}, in the order help texts list them. */
export const METHOD_OPTIONS: readonly MethodOption[] = [
  'target',
  'layer',
  'neuron',
  'baselines',
  'nSteps',
  'approximation',
  'nSamples',
  'stdevs',
  'seed',
  'slidingWindowShapes',
  'strides',
  'featureMask',
];

/**
 * The shape of a method's attributions: like the input, the input's H x W (GradCAM upsampled,
 * one map per item), or like the layer's output.
 */
export type MethodOutput = 'input' | 'image' | 'layer';

/** One method: what it is, what it needs and which options it reads. */
export interface MethodInfo {
  /** The kebab-case name (`interp attribute --method`, the widgets' menu). */
  readonly name: string;
  /** The class (or function) of `@interp/attribution` it runs. */
  readonly className: string;
  readonly kind: MethodKind;
  /** Whether it reads a layer: required (layer and neuron methods), optional (GradCAM's default), none. */
  readonly layer: 'required' | 'optional' | 'none';
  /** Whether it needs a neuron (an index tuple into one item of the layer's output). */
  readonly neuron: boolean;
  /** The options it reads; any other given to runAttribution is refused. */
  readonly options: readonly MethodOption[];
  /** Whether runAttribution also returns Captum's convergence delta (one per item). */
  readonly delta: boolean;
  /**
   * Whether runAttribution's result carries the class explained per item (`target`, also the
   * predicted ones), so a caller needs no forward pass of its own to learn them.
   */
  readonly reportsTarget: boolean;
  readonly output: MethodOutput;
  /** One line for menus and help texts. */
  readonly summary: string;
}

const path = ['target', 'baselines', 'nSteps', 'approximation'] as const;
const sampled = ['target', 'baselines', 'featureMask', 'nSamples', 'seed'] as const;
const neuronPath = ['layer', 'neuron', 'baselines', 'nSteps', 'approximation'] as const;
const gradientShap = ['target', 'baselines', 'nSamples', 'stdevs', 'seed'] as const;

type Entry = Omit<MethodInfo, 'name' | 'layer' | 'neuron' | 'delta' | 'reportsTarget' | 'output'> &
  Partial<Pick<MethodInfo, 'layer' | 'delta' | 'reportsTarget' | 'output'>>;

const primary = (className: string, options: readonly MethodOption[], summary: string) =>
  ({ className, kind: 'primary', options, summary }) as const;
const layer = (className: string, options: readonly MethodOption[], summary: string) =>
  ({ className, kind: 'layer', options: ['layer', ...options], summary }) as const;
const neuron = (className: string, options: readonly MethodOption[], summary: string) =>
  ({ className, kind: 'neuron', options: ['layer', 'neuron', ...options], summary }) as const;

// The order is the one menus and `--help` list.
const ENTRIES = {
  saliency: primary('saliencyMap', ['target'], '|gradient| of the target score'),
  gxi: primary('gradientTimesInput', ['target'], 'gradient x input'),
  ig: {
    ...primary('IntegratedGradients', path, 'Integrated Gradients'),
    delta: true,
    reportsTarget: true,
  },
  smoothgrad: primary(
    'SmoothGrad',
    ['target', 'nSamples', 'stdevs', 'seed'],
    'mean gradient over noisy copies of the input',
  ),
  deeplift: {
    ...primary('DeepLift', ['target', 'baselines'], 'DeepLift (rescale rule)'),
    delta: true,
  },
  'deeplift-shap': primary(
    'DeepLiftShap',
    ['target', 'baselines'],
    'DeepLift averaged over a baseline distribution (2+ baselines)',
  ),
  'gradient-shap': primary(
    'GradientShap',
    gradientShap,
    'expected gradients from random baselines',
  ),
  'guided-backprop': primary('GuidedBackprop', ['target'], 'guided backpropagation'),
  deconvolution: primary('Deconvolution', ['target'], 'deconvolution (ReLU on the gradient)'),
  'guided-gradcam': {
    ...primary(
      'GuidedGradCam',
      ['target', 'layer'],
      'guided backprop x GradCAM (nearest upsampling)',
    ),
    layer: 'optional',
  },
  occlusion: primary(
    'Occlusion',
    ['target', 'baselines', 'slidingWindowShapes', 'strides'],
    'drop in the score when a sliding patch is replaced by the baseline',
  ),
  'feature-ablation': primary(
    'FeatureAblation',
    ['target', 'baselines', 'featureMask'],
    'drop in the score when each feature is replaced by the baseline',
  ),
  'feature-permutation': primary(
    'FeaturePermutation',
    ['target', 'featureMask', 'seed'],
    'drop in the score when each feature is shuffled across the batch',
  ),
  shapley: primary(
    'ShapleyValues',
    ['target', 'baselines', 'featureMask'],
    'exact Shapley values (all permutations, at most 16 features)',
  ),
  'shapley-sampling': primary('ShapleyValueSampling', sampled, 'sampled Shapley values'),
  lime: primary('Lime', sampled, 'LIME: a weighted linear surrogate on random masks'),
  'kernel-shap': primary('KernelShap', sampled, 'Kernel SHAP: LIME with the Shapley kernel'),
  lrp: {
    ...primary('LRP', ['target'], 'layer-wise relevance propagation (epsilon rule)'),
    delta: true,
  },
  gradcam: {
    ...layer('GradCAM', ['target'], 'Grad-CAM of a layer, upsampled to the input H x W'),
    layer: 'optional',
    output: 'image',
  },
  'layer-ig': {
    ...layer('LayerIntegratedGradients', path, 'Integrated Gradients of the layer'),
    delta: true,
  },
  'layer-conductance': {
    ...layer('LayerConductance', path, 'conductance of the layer'),
    delta: true,
  },
  'internal-influence': layer('InternalInfluence', path, 'internal influence of the layer'),
  'layer-activation': layer('LayerActivation', [], "the layer's output itself"),
  'layer-gxa': layer('LayerGradientXActivation', ['target'], 'layer gradient x activation'),
  'layer-deeplift': {
    ...layer('LayerDeepLift', ['target', 'baselines'], 'DeepLift of the layer'),
    delta: true,
  },
  'layer-deeplift-shap': layer(
    'LayerDeepLiftShap',
    ['target', 'baselines'],
    'DeepLiftShap of the layer (2+ baselines)',
  ),
  'layer-gradient-shap': layer('LayerGradientShap', gradientShap, 'GradientShap of the layer'),
  'layer-feature-ablation': layer(
    'LayerFeatureAblation',
    ['target'],
    'drop in the score when each layer unit is zeroed',
  ),
  'layer-gradcam': layer(
    'LayerGradCam',
    ['target'],
    "Grad-CAM at the layer's resolution, channels summed",
  ),
  'layer-lrp': {
    ...layer(
      'LayerLRP',
      ['target'],
      'LRP relevance at the layer (a linear, conv, batch-norm, pooling or add node)',
    ),
    delta: true,
  },
  'neuron-gradient': neuron('NeuronGradient', [], 'gradient of a layer unit'),
  'neuron-ig': neuron(
    'NeuronIntegratedGradients',
    neuronPath.slice(2),
    'Integrated Gradients of a layer unit',
  ),
  'neuron-conductance': neuron(
    'NeuronConductance',
    ['target', ...neuronPath.slice(2)],
    'conductance through a layer unit',
  ),
  'neuron-deeplift': neuron('NeuronDeepLift', ['baselines'], 'DeepLift of a layer unit'),
  'neuron-guided-backprop': neuron('NeuronGuidedBackprop', [], 'guided backprop of a layer unit'),
  'neuron-deconvolution': neuron('NeuronDeconvolution', [], 'deconvolution of a layer unit'),
  'neuron-feature-ablation': neuron(
    'NeuronFeatureAblation',
    ['baselines', 'featureMask'],
    'change of a layer unit when each feature is ablated',
  ),
  'neuron-gradient-shap': neuron(
    'NeuronGradientShap',
    ['baselines', 'nSamples', 'stdevs', 'seed'],
    'GradientShap of a layer unit',
  ),
} satisfies Record<string, Entry>;

/** A kebab-case method name. */
export type MethodName = keyof typeof ENTRIES;

/**
 * Every method, in menu order, as plain data (no class, no tfjs).
 *
 * @example
 * import { METHOD_CATALOG } from '@interp/attribution/methods';
 * const needsNoLayer = METHOD_CATALOG.filter((m) => m.layer !== 'required').map((m) => m.name);
 */
export const METHOD_CATALOG: readonly MethodInfo[] = Object.entries(ENTRIES).map(
  ([name, e]: [string, Entry]) => ({
    name,
    className: e.className,
    kind: e.kind,
    layer: e.layer ?? (e.kind === 'primary' ? 'none' : 'required'),
    neuron: e.kind === 'neuron',
    options: e.options,
    delta: e.delta ?? false,
    reportsTarget: e.reportsTarget ?? false,
    output: e.output ?? (e.kind === 'layer' ? 'layer' : 'input'),
    summary: e.summary,
  }),
);

/**
 * The method names, in menu order.
 *
 * @example
 * import { METHOD_NAMES } from '@interp/attribution/methods';
 * METHOD_NAMES.includes('ig'); // true
 */
export const METHOD_NAMES = METHOD_CATALOG.map((m) => m.name) as readonly MethodName[];

/**
 * Whether `name` is a method of the catalog.
 *
 * @example
 * import { isMethodName } from '@interp/attribution/methods';
 * isMethodName('lime'); // true; isMethodName('limes') is false
 */
export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(ENTRIES, name);
}

/**
 * The catalog entry of `name`; an unknown name is refused with the list of known ones.
 *
 * @example
 * import { methodInfo } from '@interp/attribution/methods';
 * methodInfo('layer-ig').options; // ['layer', 'target', 'baselines', 'nSteps', 'approximation']
 */
export function methodInfo(name: string): MethodInfo {
  const info = METHOD_CATALOG.find((m) => m.name === name);
  if (info === undefined) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `unknown attribution method ${JSON.stringify(name)}; expected one of ${METHOD_NAMES.join(', ')}`,
    );
  }
  return info;
}
