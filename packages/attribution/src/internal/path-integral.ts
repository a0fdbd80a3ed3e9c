import * as tf from '@tensorflow/tfjs-core';
import { type ApproximationMethod, approximationParameters } from '../approximation-parameters.js';
import {
  type AttributionsWithDelta,
  integratedGradientsDefaults,
} from '../integrated-gradients.js';
import type { AttributionModel } from '../types.js';
import { type Baseline, resolveBaseline } from './baseline.js';
import { throughputChunksFor } from './batch-budget.js';
import { convergenceDelta } from './convergence-delta.js';
import {
  accumulate,
  type LayerTarget,
  pathPoints,
  resolveLayerTarget,
  stepsPerPass,
  targetLayerGradient,
  tileTargets,
} from './layer-gradient.js';
import type { ResolvedModel } from './resolve-model.js';
import { targetMask } from './targets.js';
import { optionalPositiveInt } from './validate-input.js';

/** The path options every path method reads (InternalInfluence, the conductances, the IG variants). */
export interface PathOptions {
  baselines?: Baseline;
  nSteps?: number;
  method?: ApproximationMethod;
  internalBatchSize?: number;
}

/** A path method's resolved settings and the baseline it owns for the duration of the call. */
export interface PathSetup<C> {
  call: C;
  baseline: tf.Tensor;
  /** Points on the path: nSteps, or nSteps + 1 for the conductances (which pair neighbours). */
  points: number;
  alphas: ArrayLike<number>;
  stepSizes: ArrayLike<number>;
  batch: number | undefined;
}

/**
 * Runs a path method's body with its settings read, its call prepared and its baseline resolved,
 * then frees the baseline and the call whatever happens. The settings are checked before the
 * call so that a bad `method` or `nSteps` fails before any model work; the defaults are
 * IntegratedGradients' (Captum's), except the approximation `method` a caller may override.
 */
export async function withPath<C extends { x: tf.Tensor; release(): void }, R>(
  options: PathOptions | undefined,
  prepare: () => C | Promise<C>,
  where: string,
  run: (path: PathSetup<C>) => R | Promise<R>,
  defaults: { method?: ApproximationMethod; extraPoints?: number } = {},
): Promise<R> {
  const nSteps = options?.nSteps ?? integratedGradientsDefaults.nSteps;
  const method = options?.method ?? defaults.method ?? integratedGradientsDefaults.method;
  const points = nSteps + (defaults.extraPoints ?? 0);
  const { alphas, stepSizes } = approximationParameters(method, points);
  const batch = optionalPositiveInt(options?.internalBatchSize, 'internalBatchSize');
  const call = await prepare();
  let baseline: tf.Tensor | undefined;
  try {
    baseline = resolveBaseline(
      options?.baselines ?? integratedGradientsDefaults.baseline,
      call.x,
      where,
    );
    return await run({ call, baseline, points, alphas, stepSizes, batch });
  } finally {
    baseline?.dispose();
    call.release();
  }
}

/**
 * Adds up `term(k0, count)` over passes that cover `points` path points of x's N items, as many
 * per pass as `internalBatchSize` allows or, without it, as throughput-sized chunks
 * ({@link throughputChunksFor}) allow; a pass may contribute nothing
 * (undefined). The partial sum is freed if a pass throws. The caller's to dispose.
 */
export function sumOverPasses(
  x: tf.Tensor,
  points: number,
  batch: number | undefined,
  term: (k0: number, count: number) => tf.Tensor | undefined,
): tf.Tensor {
  const n = x.shape[0]!;
  const itemSize = x.size / n;
  const chunks = batch === undefined ? throughputChunksFor(itemSize) : undefined;
  let total: tf.Tensor | undefined;
  try {
    for (let k0 = 0; k0 < points; ) {
      const wanted = stepsPerPass(n, itemSize, points, chunks?.next() ?? batch);
      const count = Math.min(wanted, points - k0);
      // The WASM backend runs ops as they are called, so the pass's time is its work.
      const started = performance.now();
      const t = term(k0, count);
      if (t) total = accumulate(total, t);
      if (count === wanted) chunks?.record(count * n, performance.now() - started);
      k0 += count;
    }
    return total!;
  } catch (e) {
    total?.dispose();
    throw e;
  }
}

/** `summed * (x - b)` when `multiply` (Captum's multiply_by_inputs), else `summed`; takes `summed`. */
export function scaleByInputs(
  summed: tf.Tensor,
  multiply: boolean,
  x: tf.Tensor,
  b: tf.Tensor,
): tf.Tensor {
  if (!multiply) return summed;
  const out = tf.tidy(() => tf.mul(summed, tf.sub(x, b)));
  summed.dispose();
  return out;
}

/**
 * The points b + alpha_k (x - b) of steps k0 .. k0 + count - 1, the layer's activations there
 * and the target score's gradient with respect to them (step-major rows). Call inside a tidy.
 */
export function layerPathGradient(
  target: LayerTarget,
  call: { x: tf.Tensor; targets: Int32Array; numClasses: number },
  path: { baseline: tf.Tensor; alphas: ArrayLike<number> },
  k0: number,
  count: number,
  where: string,
): { points: tf.Tensor; acts: tf.Tensor; grads: tf.Tensor } {
  const points = pathPoints(call.x, path.baseline, path.alphas, k0, count);
  const targets = tileTargets(call.targets, count);
  return { points, ...targetLayerGradient(target, points, targets, call.numClasses, where) };
}

/**
 * The attributions with each item's convergence delta, sum of attributions - (f(x) - f(b)),
 * against `reference` (the baseline in input space); frees the attributions if that fails.
 */
export function withDelta(
  model: ResolvedModel,
  call: { x: tf.Tensor; targets: Int32Array; numClasses: number },
  reference: tf.Tensor,
  attributions: tf.Tensor,
  where: string,
): AttributionsWithDelta {
  try {
    const delta = tf.tidy(() =>
      convergenceDelta(
        model,
        call.x,
        reference,
        attributions,
        targetMask(call.targets, call.numClasses),
        where,
      ),
    );
    return { attributions, delta };
  } catch (e) {
    attributions.dispose();
    throw e;
  }
}

/**
 * What the neuron path methods (NeuronIntegratedGradients, NeuronConductance) fix at
 * construction: the layer their neuron is in and Captum's `multiply_by_inputs`.
 */
export abstract class NeuronPathMethod {
  readonly multiplyByInputs: boolean;
  protected readonly target: LayerTarget;

  constructor(
    model: AttributionModel,
    options: { layer: string; multiplyByInputs?: boolean },
    name: string,
  ) {
    this.target = resolveLayerTarget(model, options?.layer, name);
    this.multiplyByInputs =
      options.multiplyByInputs ?? integratedGradientsDefaults.multiplyByInputs;
  }
}
