// The Captum-class methods of `interp attribute` (one call shape: `new Method(model, { layer })`
// and `.attribute(x, { target, baselines, ... })`), as a table: the options each one reads, so an
// option that a method ignores is refused instead of silently dropped, and how it is called.
import type { AttributionModel } from '@interp/attribution';
import type * as tfc from '@tensorflow/tfjs-core';

export type Lib = typeof import('@interp/attribution');

/** What a method may read besides the model and the input. */
export type CaptumOption =
  | 'target'
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
  nSteps?: number;
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
          baselines: r.baselines as tfc.Tensor,
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
} satisfies Record<string, CaptumMethod>;

export type CaptumMethodName = keyof typeof METHODS;

/** The Captum-class method names, kebab-case, in table order. */
export const CAPTUM_METHODS = Object.keys(METHODS) as readonly CaptumMethodName[];

/** The options `name` reads. */
export function captumUses(name: CaptumMethodName): readonly CaptumOption[] {
  return METHODS[name].uses;
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
