import type { ImageLayout } from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { ApproximationMethod } from '../approximation-parameters.js';
import type { Baseline } from '../internal/baseline.js';
import type { Target } from '../types.js';

/**
 * The options of {@link runAttribution}: each method reads the ones its catalog entry lists
 * (`METHOD_CATALOG[i].options`); another given option is refused, so nothing is silently dropped.
 * Omitted options take the method's own (Captum's) defaults.
 */
export interface RunAttributionOptions {
  /** Class to explain: one index, one per item, or omitted for each item's predicted class. */
  target?: Target;
  /** Reference input: a number, one item, one per item, or a distribution [B, ...item]. */
  baselines?: Baseline;
  /** Steps of the path methods (Captum's `n_steps`). */
  nSteps?: number;
  /** Quadrature rule of the path methods (Captum's `method`). */
  approximation?: ApproximationMethod;
  /** Samples of the sampling methods and SmoothGrad. */
  nSamples?: number;
  /** Noise standard deviation in input units (SmoothGrad: default a fraction of x's value range). */
  stdevs?: number;
  /** Seed of the sampling methods' generator. */
  seed?: number;
  /** Occlusion's patch per item, in the input's layout (default {@link defaultOcclusionWindow}). */
  slidingWindowShapes?: readonly number[];
  /** Occlusion's strides per item (default: half the default patch, or 1 with a given patch). */
  strides?: number | readonly number[];
  /** Integer feature ids broadcast against x (Captum's `feature_mask`). */
  featureMask?: tf.Tensor;
  /** The layer: a node name, output name or module path prefix. */
  layer?: string;
  /** The neuron: an index tuple into one item of the layer's output. */
  neuron?: readonly number[];
  /** The input layout (a model graph's `layout`), for occlusion's default patch (default 'NHWC'). */
  layout?: ImageLayout;
  /**
   * Called with (done, total) work units: ig reports rows (items x steps) after each chunk;
   * with it, occlusion runs in slices of items, so that long runs report as they go (the result
   * is the same); smoothgrad reports noisy rows.
   */
  progress?: (done: number, total: number) => void;
}

/** What {@link runAttribution} resolves to: tensors the caller disposes. */
export interface MethodResult {
  attributions: tf.Tensor;
  /** Captum's convergence delta, one per item, for the methods whose entry says `delta`. */
  delta?: tf.Tensor;
  /**
   * The class explained per item (given, or each item's predicted class: argmax of the model's
   * output, ties to the lower index), from the methods whose catalog entry says
   * `reportsTarget` (ig: its convergence delta's forward pass of [x; baseline] chooses them).
   */
  target?: Int32Array;
  /** The layer used (GradCAM and Guided GradCAM: given or chosen by their default rule). */
  layer?: string;
  /** Warnings about the result (GradCAM: an all-zero map). */
  warnings?: string[];
}

/**
 * runAttribution's own choices where the method class has none that suits a menu: SmoothGrad's
 * noise is this fraction of x's value range (Captum wants absolute stdevs), with this many
 * samples and this seed.
 */
export const runAttributionDefaults = Object.freeze({
  smoothGradNoise: 0.15,
  smoothGradSamples: 10,
  smoothGradSeed: 0,
} as const);
