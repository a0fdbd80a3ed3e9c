import type { NodeHook } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import type { AttributionModel } from '../types.js';
import { type Baseline, resolveBaseline } from './baseline.js';
import { deepLiftEps, deepLiftHooks } from './deep-lift-rules.js';
import { type DeltaAttributeOptions, DeltaAttribution } from './delta-attribution.js';
import { hookedGradient } from './hooked-gradient.js';
import { requireGraphNodes } from './require-graph-nodes.js';
import { type ResolvedModel, resolveModel } from './resolve-model.js';

/** Defaults of {@link DeepLift} (and every DeepLift variant), written once. */
export const deepLiftDefaults = Object.freeze({
  multiplyByInputs: true,
  eps: deepLiftEps,
  baselines: 0,
  returnConvergenceDelta: false,
} as const);

/** What every DeepLift variant fixes at construction: its rules as hooks and `multiplyByInputs`. */
export interface DeepLiftSetup {
  multiplyByInputs: boolean;
  hooks: Record<string, NodeHook>;
}

/**
 * Reads a DeepLift variant's constructor options (Captum's `multiply_by_inputs` and `eps`) and
 * builds its rules for the model's graph; throws NOT_SUPPORTED on a layer with a fused
 * nonlinear activation.
 */
export function deepLiftSetup(
  model: ResolvedModel,
  options: { multiplyByInputs?: boolean; eps?: number } | undefined,
  where: string,
): DeepLiftSetup {
  const eps = options?.eps ?? deepLiftDefaults.eps;
  return {
    multiplyByInputs: options?.multiplyByInputs ?? deepLiftDefaults.multiplyByInputs,
    hooks: deepLiftHooks(model.graph, where, model.layersModel, eps),
  };
}

/**
 * What DeepLift and DeepLiftShap fix at construction: the model (which must expose its graph's
 * nodes, where the rules hook in), the rules and `multiplyByInputs`.
 */
export abstract class DeepLiftMethod<
  O extends DeltaAttributeOptions,
  Args extends [options?: O] = [options?: O],
> extends DeltaAttribution<O, Args> {
  readonly multiplyByInputs: boolean;
  protected readonly model: ResolvedModel;
  protected readonly setup: DeepLiftSetup;

  constructor(
    model: AttributionModel,
    options: { multiplyByInputs?: boolean; eps?: number } | undefined,
    name: string,
  ) {
    super();
    this.model = resolveModel(model, name);
    requireGraphNodes(this.model.graph, name);
    this.setup = deepLiftSetup(this.model, options, name);
    this.multiplyByInputs = this.setup.multiplyByInputs;
  }
}

/** The baseline (default 0) broadcast to x's shape: the reference half of the paired batch. */
export function deepLiftReference(
  baselines: Baseline | undefined,
  x: tf.Tensor,
  where: string,
): tf.Tensor {
  const baseline = resolveBaseline(baselines ?? deepLiftDefaults.baselines, x, where);
  const reference = tf.tidy(() => tf.broadcastTo(baseline, x.shape));
  baseline.dispose();
  return reference;
}

/** One DeepLift pass: x and its reference (both [R, ...item]), the target mask [R, C] and the rules. */
export interface DeepLiftPass extends DeepLiftSetup {
  x: tf.Tensor;
  reference: tf.Tensor;
  mask: tf.Tensor2D;
  where: string;
}

/**
 * DeepLift's attributions for x against its reference: the gradient of the target scores with
 * DeepLift's rules as hooks, run on the paired batch [x; reference], times (x - reference) when
 * `multiplyByInputs` (else the multipliers themselves).
 *
 * @example
 * ```ts
 * const attr = deepLiftAttributions(m, { ...deepLiftSetup(m, {}, where), x, reference, mask, where });
 * ```
 */
export function deepLiftAttributions(model: ResolvedModel, pass: DeepLiftPass): tf.Tensor {
  const { x, reference, mask, hooks, where } = pass;
  return tf.tidy(() => {
    const multipliers = hookedGradient(model, x, mask, hooks, where, reference);
    return pass.multiplyByInputs ? tf.mul(multipliers, tf.sub(x, reference)) : multipliers;
  });
}
