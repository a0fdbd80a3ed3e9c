import { keyword } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import {
  APPROXIMATION_METHODS,
  type ApproximationMethod,
  approximationParameters,
} from './approximation-parameters.js';
import { type Baseline, resolveBaseline } from './internal/baseline.js';
import { type ThroughputChunks, throughputChunksFor } from './internal/batch-budget.js';
import { DeltaAttribution } from './internal/delta-attribution.js';
import { asScoreMatrix, type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import { targetGradient } from './internal/target-gradient.js';
import { resolveTargets, targetMask } from './internal/targets.js';
import { optionalPositiveInt, validateInput } from './internal/validate-input.js';
import type { AttributionModel, Target } from './types.js';

export type { Baseline } from './internal/baseline.js';

/** Options of the {@link IntegratedGradients} constructor. */
export interface IntegratedGradientsOptions {
  /**
   * The reference input the path starts from: a number for every value (default 0), a tensor
   * shaped like one item, or a tensor shaped like x (one baseline per item).
   */
  baseline?: Baseline;
  /** Multiply the path-integrated gradients by (x - baseline) (Captum's `multiply_by_inputs`). */
  multiplyByInputs?: boolean;
}

/** Options of {@link IntegratedGradients.attribute}. */
export interface IntegratedGradientsAttributeOptions {
  /** Class to explain: an index, one per item, or (default) each item's predicted class. */
  target?: Target;
  /**
   * The baseline of this call (Captum's `baselines` argument); default: the constructor's
   * `baseline`.
   */
  baselines?: Baseline;
  /** Number of path points. */
  nSteps?: number;
  /** How the path integral is approximated (Captum's names and step points). */
  method?: ApproximationMethod;
  /**
   * Most rows (item x step evaluations) per forward/backward pass. Default: sized by measured
   * throughput, starting from as many as keep a chunk's input under 2^17 values (10 steps of 16
   * MNIST digits, or one 224 x 224 image, per pass) and doubling while the rows run faster, up to
   * 2^20 input values per chunk. The result does not depend on it beyond float rounding.
   */
  internalBatchSize?: number;
  /** Also return the signed completeness error per item. */
  returnConvergenceDelta?: boolean;
}

/** Attributions with their convergence deltas; both tensors are the caller's to dispose. */
export interface AttributionsWithDelta {
  /** Same shape as x. */
  attributions: tf.Tensor;
  /** [N]: sum of the item's attributions - (F(x)[t] - F(baseline)[t]). */
  delta: tf.Tensor1D;
}

/** Defaults of {@link IntegratedGradients}, written once. */
export const integratedGradientsDefaults = Object.freeze({
  baseline: 0,
  multiplyByInputs: true,
  nSteps: 50,
  method: 'gausslegendre',
  returnConvergenceDelta: false,
} as const);

/**
 * Integrated Gradients (Sundararajan et al. 2017) with Captum's semantics: the gradient of the
 * target score is integrated along the straight path from the baseline to x and multiplied by
 * (x - baseline). All steps of all items go through the model in as few passes as the chunk
 * size allows (by default 10 steps of 16 MNIST digits per pass), in chunks of whole steps so
 * memory stays bounded for any `nSteps`. Results are the caller's to dispose.
 *
 * @example
 * ```ts
 * const ig = new IntegratedGradients(learn);
 * const { attributions, delta } = await ig.attribute(images, { nSteps: 50, returnConvergenceDelta: true });
 * tf.dispose([attributions, delta]);
 * ```
 */
export class IntegratedGradients extends DeltaAttribution<IntegratedGradientsAttributeOptions> {
  readonly baseline: Baseline;
  readonly multiplyByInputs: boolean;
  private readonly model: ResolvedModel;

  constructor(model: AttributionModel, options: IntegratedGradientsOptions = {}) {
    super();
    this.model = resolveModel(model, 'IntegratedGradients');
    this.baseline = options.baseline ?? integratedGradientsDefaults.baseline;
    this.multiplyByInputs =
      options.multiplyByInputs ?? integratedGradientsDefaults.multiplyByInputs;
  }

  protected async attributeOrDelta(
    x: tf.Tensor,
    options: IntegratedGradientsAttributeOptions,
  ): Promise<tf.Tensor | AttributionsWithDelta> {
    const where = 'IntegratedGradients.attribute';
    const {
      target,
      nSteps = integratedGradientsDefaults.nSteps,
      returnConvergenceDelta = integratedGradientsDefaults.returnConvergenceDelta,
    } = options;
    const method = keyword(
      options.method,
      'method',
      APPROXIMATION_METHODS,
      integratedGradientsDefaults.method,
    );
    const { alphas, stepSizes } = approximationParameters(method, nSteps);
    const batchSize = optionalPositiveInt(options.internalBatchSize, 'internalBatchSize');
    const m = this.model;
    const input = validateInput(x, where, m.graph);
    const xs = input.x;
    const baseline = resolveBaseline(options.baselines ?? this.baseline, xs, where);
    try {
      const { targets, numClasses } = await resolveTargets(m, xs, target, where);
      const n = xs.shape[0]!;
      const itemSize = xs.size / n;
      // Unless the caller fixed the batch, chunks start at the default size and grow while
      // they run faster per row (bounded by maxRowsPerChunk).
      const rows = batchSize ?? throughputChunksFor(itemSize);
      const attributions = integrate(
        m,
        xs,
        baseline,
        targets,
        numClasses,
        alphas,
        stepSizes,
        rows,
        this.multiplyByInputs,
        where,
      );
      if (!returnConvergenceDelta) return attributions;
      let delta: tf.Tensor1D;
      try {
        delta = convergenceDelta(m, xs, baseline, attributions, targets, numClasses, where);
      } catch (e) {
        attributions.dispose();
        throw e;
      }
      return { attributions, delta };
    } finally {
      baseline.dispose();
      if (input.owned) xs.dispose();
    }
  }
}

/** Completeness error per item: sum of attributions - (F(x)[t] - F(baseline)[t]), one forward pass. */
function convergenceDelta(
  m: ResolvedModel,
  xs: tf.Tensor,
  baseline: tf.Tensor,
  attributions: tf.Tensor,
  targets: Int32Array,
  numClasses: number,
  where: string,
): tf.Tensor1D {
  const n = xs.shape[0]!;
  return tf.tidy(() => {
    const full = tf.add(tf.zerosLike(xs), baseline);
    const out = asScoreMatrix(m.forward(tf.concat([xs, full])), 2 * n, where);
    const picked = tf.sum(tf.mul(out, targetMask([...targets, ...targets], numClasses)), 1);
    const [fx, fb] = tf.split(picked, 2);
    const total = tf.sum(tf.reshape(attributions, [n, -1]), 1);
    return tf.sub(total, tf.sub(fx!, fb!)) as tf.Tensor1D;
  });
}

/**
 * sum_s stepSize_s * grad F(b + alpha_s (x - b)), times (x - b) when multiplying by inputs.
 * Items are split into groups of at most `rows` (a fixed count, or a throughput-sized chunk's
 * first size), and each pass takes as many whole steps of a group as fit in `rows`; the step weights ride in the target mask, so the backward pass returns
 * weighted gradients and one sum over the chunk's steps accumulates them.
 */
function integrate(
  m: ResolvedModel,
  x: tf.Tensor,
  baseline: tf.Tensor,
  targets: Int32Array,
  numClasses: number,
  alphas: Float64Array,
  stepSizes: Float64Array,
  rows: number | ThroughputChunks,
  multiplyByInputs: boolean,
  where: string,
): tf.Tensor {
  const n = x.shape[0]!;
  const item = x.shape.slice(1);
  const nSteps = alphas.length;
  const sized = typeof rows === 'number' ? undefined : rows;
  // Groups are as large as the first chunk; throughput sizing then adds steps per chunk.
  const groupSize = Math.min(n, sized ? sized.next() : (rows as number));
  const stepsPerChunk = () =>
    Math.max(1, Math.floor((sized ? sized.next() : (rows as number)) / groupSize));
  const parts: tf.Tensor[] = [];
  try {
    for (let start = 0; start < n; start += groupSize) {
      const size = Math.min(groupSize, n - start);
      const groupTargets = targets.subarray(start, start + size);
      const [xg, bg, diff] = tf.tidy(() => {
        const xg = size === n ? tf.clone(x) : tf.slice(x, start, size);
        const bg = baseline.shape[0] === 1 ? tf.clone(baseline) : tf.slice(baseline, start, size);
        return [xg, bg, tf.sub(xg, bg)];
      });
      let total: tf.Tensor | undefined;
      try {
        for (let s0 = 0; s0 < nSteps; ) {
          const wanted = stepsPerChunk();
          const k = Math.min(wanted, nSteps - s0);
          const started = performance.now();
          const chunkTargets = new Int32Array(k * size);
          const chunkWeights = new Float32Array(k * size);
          for (let s = 0; s < k; s++) {
            chunkTargets.set(groupTargets, s * size);
            chunkWeights.fill(stepSizes[s0 + s]!, s * size, (s + 1) * size);
          }
          const summed = tf.tidy(() => {
            const a = tf.reshape(tf.tensor1d(Float32Array.from(alphas.subarray(s0, s0 + k))), [
              k,
              1,
              ...item.map(() => 1),
            ]);
            // Step-major rows, as Captum concatenates them: all items at alpha_0, then alpha_1...
            const scaled = tf.reshape(tf.add(bg, tf.mul(a, diff)), [k * size, ...item]);
            const grads = targetGradient(
              m,
              scaled,
              targetMask(chunkTargets, numClasses, chunkWeights),
              where,
            );
            return k === 1 ? grads : tf.sum(tf.reshape(grads, [k, size, ...item]), 0);
          });
          if (k === wanted) sized?.record(k * size, performance.now() - started);
          s0 += k;
          if (total === undefined) total = summed;
          else {
            const next = tf.add(total, summed);
            total.dispose();
            summed.dispose();
            total = next;
          }
        }
        const group = multiplyByInputs ? tf.mul(total!, diff) : tf.clone(total!);
        parts.push(group);
      } finally {
        total?.dispose();
        tf.dispose([xg, bg, diff]);
      }
    }
    if (parts.length === 1) return parts[0]!;
    const out = tf.concat(parts);
    tf.dispose(parts);
    return out;
  } catch (e) {
    tf.dispose(parts);
    throw e;
  }
}
