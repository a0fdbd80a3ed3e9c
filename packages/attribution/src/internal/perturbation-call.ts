import type * as tf from '@tensorflow/tfjs-core';
import type { AttributeOptions } from '../types.js';
import { type Baseline, resolveBaseline } from './baseline.js';
import { oneFeaturePerPerturbation, type ResolvedFeatureMask } from './feature-mask.js';
import { type PerturbationProblem, perturbedScores, targetScores } from './perturbation-engine.js';
import { type PreparedCall, prepareCall } from './prepare-call.js';
import type { ResolvedModel } from './resolve-model.js';
import { optionalPositiveInt } from './validate-input.js';

/** The options every input-space perturbation method reads besides its own. */
export interface PerturbationCallOptions extends AttributeOptions {
  baselines?: Baseline;
  perturbationsPerEval?: number;
}

/** A prepared perturbation call: the validated call, its baseline and the engine's problem. */
export interface PerturbationCall {
  call: PreparedCall;
  baseline: tf.Tensor;
  /** The model's forward on x with the baseline as replacement, ready for `perturbedScores`. */
  problem: PerturbationProblem;
}

/**
 * Runs an input-space perturbation method (FeatureAblation, the Shapley methods, Lime's
 * surrogate) with its call prepared, `perturbationsPerEval` checked and the baseline resolved
 * (`defaultBaseline` when the options give none), and frees them whatever happens.
 */
export async function withPerturbationCall<R>(
  m: ResolvedModel,
  x: tf.Tensor,
  options: PerturbationCallOptions,
  where: string,
  defaultBaseline: Baseline,
  run: (p: PerturbationCall) => Promise<R>,
): Promise<R> {
  const call = await prepareCall(m, x, options, where);
  let baseline: tf.Tensor | undefined;
  try {
    const perEval = optionalPositiveInt(
      options.perturbationsPerEval,
      `${where}: perturbationsPerEval`,
    );
    baseline = resolveBaseline(options.baselines ?? defaultBaseline, call.x, where);
    const problem: PerturbationProblem = {
      forward: m.forward,
      x: call.x,
      replacement: baseline,
      targets: call.targets,
      numClasses: call.numClasses,
      where,
      perturbationsPerEval: perEval,
    };
    return await run({ call, baseline, problem });
  } finally {
    baseline?.dispose();
    call.release();
  }
}

/**
 * Each feature's score drop when it alone is perturbed, F(x) - F(x with feature p replaced),
 * item-major (`[i * numFeatures + p]`): the attribution of FeatureAblation, FeaturePermutation
 * and the layer and neuron ablations before it is spread over the values.
 */
export async function singleFeatureDrops(
  problem: PerturbationProblem,
  mask: ResolvedFeatureMask,
): Promise<Float64Array> {
  const { forward, x, targets, numClasses, where } = problem;
  const n = x.shape[0]!;
  const nf = mask.numFeatures;
  const initial = await targetScores(forward, x, targets, numClasses, where);
  const scores = await perturbedScores(problem, nf, oneFeaturePerPerturbation(mask));
  const drops = new Float64Array(n * nf);
  for (let p = 0; p < nf; p++) {
    for (let i = 0; i < n; i++) drops[i * nf + p] = initial[i]! - scores[p * n + i]!;
  }
  return drops;
}
