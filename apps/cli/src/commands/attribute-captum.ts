// The Captum-class methods of `interp attribute` (one call shape: `new Method(model, { layer })`
// and `.attribute(x, { target, baselines, ... })`), as a table: the options each one reads, so an
// option that a method ignores is refused instead of silently dropped, and how it is called.
import type { AttributionModel } from '@interp/attribution';
import type * as tfc from '@tensorflow/tfjs-core';
import { UsageError } from '../usage-error.js';
import { LAYER_METHODS } from './attribute-layer-methods.js';
import type { AttributeMethod } from './attribute-methods.js';

export type Lib = typeof import('@interp/attribution');

/** What a method may read besides the model, the input, --json and --out. */
export type CaptumOption =
  | 'target'
  | 'ig-method'
  | 'window'
  | 'strides'
  | 'baseline'
  | 'n-steps'
  | 'n-samples'
  | 'seed'
  | 'feature-mask'
  | 'layer'
  | 'neuron';

/** The values a run hands to a method, parsed and loaded. */
export interface CaptumRun {
  targets: Int32Array;
  /** --baseline: 0 (zeros) or the file's tensor ([1 or N or B, ...item]); the caller's. */
  baselines: number | tfc.Tensor;
  /** The same as a tensor (zeros [1, ...item] without a file), for methods that need one. */
  baselineTensor: tfc.Tensor;
  nSteps?: number;
  /** --ig-method of the path methods (IG's approximation rule). */
  igMethod?: import('@interp/attribution').ApproximationMethod;
  nSamples?: number;
  seed?: number;
  featureMask?: tfc.Tensor;
  layer?: string;
  neuron?: number[];
}

export interface CaptumResult {
  attributions: tfc.Tensor;
  delta?: tfc.Tensor;
}

export interface CaptumMethod {
  /** Options read (besides --json/--out); 'layer' and 'neuron' are required when listed. */
  uses: readonly CaptumOption[];
  run(lib: Lib, model: AttributionModel, x: tfc.Tensor, r: CaptumRun): Promise<CaptumResult>;
}

const sampled = ['target', 'baseline', 'feature-mask', 'n-samples', 'seed'] as const;
const tensor = (attributions: tfc.Tensor): CaptumResult => ({ attributions });

/** The table, in the order `--help` lists it. */
const METHODS = {
  deeplift: {
    uses: ['target', 'baseline'],
    run: (lib, model, x, r) =>
      new lib.DeepLift(model).attribute(x, {
        target: r.targets,
        baselines: r.baselines,
        returnConvergenceDelta: true,
      }),
  },
  'deeplift-shap': {
    uses: ['target', 'baseline'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.DeepLiftShap(model).attribute(x, {
          target: r.targets,
          baselines: r.baselineTensor,
        }),
      ),
  },
  'gradient-shap': {
    uses: ['target', 'baseline', 'n-samples', 'seed'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.GradientShap(model).attribute(x, {
          target: r.targets,
          baselines: r.baselines,
          nSamples: r.nSamples,
          randomState: r.seed,
        }),
      ),
  },
  'guided-backprop': {
    uses: ['target'],
    run: async (lib, model, x, r) =>
      tensor(await new lib.GuidedBackprop(model).attribute(x, { target: r.targets })),
  },
  deconvolution: {
    uses: ['target'],
    run: async (lib, model, x, r) =>
      tensor(await new lib.Deconvolution(model).attribute(x, { target: r.targets })),
  },
  'feature-ablation': {
    uses: ['target', 'baseline', 'feature-mask'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.FeatureAblation(model).attribute(x, {
          target: r.targets,
          baselines: r.baselines,
          featureMask: r.featureMask,
        }),
      ),
  },
  'feature-permutation': {
    uses: ['target', 'feature-mask', 'seed'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.FeaturePermutation(model).attribute(x, {
          target: r.targets,
          featureMask: r.featureMask,
          randomState: r.seed,
        }),
      ),
  },
  shapley: {
    uses: ['target', 'baseline', 'feature-mask'],
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.ShapleyValues(model).attribute(x, {
          target: r.targets,
          baselines: r.baselines,
          featureMask: r.featureMask,
        }),
      ),
  },
  'shapley-sampling': {
    uses: sampled,
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.ShapleyValueSampling(model).attribute(x, {
          target: r.targets,
          baselines: r.baselines,
          featureMask: r.featureMask,
          nSamples: r.nSamples,
          randomState: r.seed,
        }),
      ),
  },
  lime: {
    uses: sampled,
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.Lime(model).attribute(x, {
          target: r.targets,
          baselines: r.baselines,
          featureMask: r.featureMask,
          nSamples: r.nSamples,
          randomState: r.seed,
        }),
      ),
  },
  'kernel-shap': {
    uses: sampled,
    run: async (lib, model, x, r) =>
      tensor(
        await new lib.KernelShap(model).attribute(x, {
          target: r.targets,
          baselines: r.baselines,
          featureMask: r.featureMask,
          nSamples: r.nSamples,
          randomState: r.seed,
        }),
      ),
  },
  ...LAYER_METHODS,
} satisfies Record<string, CaptumMethod>;

export type CaptumMethodName = keyof typeof METHODS;

/** The Captum-class method names, kebab-case, in table order. */
export const CAPTUM_METHODS = Object.keys(METHODS) as readonly CaptumMethodName[];

/** Whether `method` is one of the table's (not of attribute-methods.ts). */
export function isCaptumMethod(method: string): method is CaptumMethodName {
  return Object.hasOwn(METHODS, method);
}

/** Whether `method` explains a target class (not a layer's activation or a neuron). */
export function usesTarget(method: string): boolean {
  return usesOf(method).includes('target');
}

/** Runs `name`; the attributions (and delta) are the caller's to dispose. */
export function runCaptumMethod(
  name: CaptumMethodName,
  lib: Lib,
  model: AttributionModel,
  x: tfc.Tensor,
  run: CaptumRun,
): Promise<CaptumResult> {
  return METHODS[name].run(lib, model, x, run);
}

/** The options of the methods in attribute-methods.ts (GradCAM's --layer has a default). */
const CLASSIC_USES: Record<AttributeMethod, readonly CaptumOption[]> = {
  saliency: ['target'],
  gxi: ['target'],
  ig: ['target', 'n-steps', 'ig-method'],
  gradcam: ['target', 'layer'],
  smoothgrad: ['target', 'n-samples'],
  occlusion: ['target', 'window', 'strides'],
};

const OPTION_NAMES: readonly CaptumOption[] = [
  'target',
  'ig-method',
  'window',
  'strides',
  'baseline',
  'n-steps',
  'n-samples',
  'seed',
  'feature-mask',
  'layer',
  'neuron',
];

const usesOf = (method: string): readonly CaptumOption[] =>
  (CLASSIC_USES as Record<string, readonly CaptumOption[]>)[method] ??
  METHODS[method as CaptumMethodName].uses;

/**
 * Refuses an option that `method` would ignore, and a layer or neuron method without its
 * --layer / --neuron (UsageError: exit 2, one line).
 *
 * @example
 * checkMethodOptions('saliency', { layer: 'conv1' }); // throws: --layer applies to --method gradcam|... only
 */
export function checkMethodOptions(method: string, given: Record<string, unknown>): void {
  const uses = usesOf(method);
  for (const option of OPTION_NAMES) {
    if (given[option] !== undefined && !uses.includes(option)) {
      const takers = [...Object.keys(CLASSIC_USES), ...CAPTUM_METHODS].filter((m) =>
        usesOf(m).includes(option),
      );
      throw new UsageError(`--${option} applies to --method ${takers.join('|')} only`);
    }
  }
  if (method in CLASSIC_USES) return;
  if (given.out !== undefined && uses.includes('layer') && !uses.includes('neuron')) {
    throw new UsageError(
      `--out draws maps over the input, but --method ${method} attributes to --layer's output; use --json`,
    );
  }
  for (const option of ['layer', 'neuron'] as const) {
    if (uses.includes(option) && given[option] === undefined) {
      const what =
        option === 'layer'
          ? 'NAME (a layer or node name)'
          : 'i,j,... (an index into one item of the layer output)';
      throw new UsageError(`--method ${method} needs --${option} ${what}`);
    }
  }
}

/** `--help` lines of the table's methods and options (after the classic methods). */
export const CAPTUM_HELP = `                   deeplift, deeplift-shap (--baseline FILE with 2+ rows), gradient-shap,
                   guided-backprop, deconvolution, feature-ablation, feature-permutation,
                   shapley (exact, at most 16 features), shapley-sampling, lime, kernel-shap
                               Captum's primary methods with its defaults
                   layer-ig, layer-conductance, internal-influence, layer-activation,
                   layer-gxa, layer-deeplift, layer-gradient-shap, layer-feature-ablation
                               Captum's layer methods: attributions to --layer's output,
                               shaped like it
                   neuron-gradient, neuron-ig, neuron-conductance, neuron-deeplift,
                   neuron-guided-backprop, neuron-deconvolution, neuron-feature-ablation,
                   neuron-gradient-shap
                               Captum's neuron methods: attributions of --layer's unit
                               --neuron to the input (no target, except neuron-conductance)`;

/** `--help` lines of the options only the table's methods read. */
export const CAPTUM_OPTIONS_HELP = `  --neuron i,j,..  the unit of --layer's output item (without the batch axis) to explain
  --baseline B     zeros (default) or FILE.npy: one item, or k items [k, ...item] (one per
                   item, or the distribution deeplift-shap and *gradient-shap draw from)
  --feature-mask F FILE.npy of integer feature ids, the input's shape or broadcast to it
                   (without the batch axis, it is shared by all items); default one feature
                   per value
  --window a,b,..  occlusion patch per item, in the input's layout (Captum's
  --strides a,b,.. sliding_window_shapes and strides; strides default 1)
  --seed S         seed of the sampling methods (default: the library's)
  --n-samples, --n-steps and --ig-method also apply to the sampling and path methods
  (library defaults); an option a method does not read is refused.`;
