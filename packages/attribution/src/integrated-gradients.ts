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
import { PathGradientSum, usableAffinePrefix } from './internal/path-gradient-sum.js';
import { asScoreMatrix, type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import {
  argmaxRows,
  type ResolvedTargets,
  resolveTargets,
  targetMask,
} from './internal/targets.js';
import { optionalCallback, optionalPositiveInt, validateInput } from './internal/validate-input.js';
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
  /**
   * Called with (rows done, total rows) once before the first pass and after each: a row is one
   * item at one step, so the total is items x nSteps. All items still run in one call, so the
   * chunk sizing carries over from item to item.
   */
  progress?: (done: number, total: number) => void;
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
    const { attributions, delta } = await integratedGradientsRun(
      this.model,
      x,
      options,
      this.baseline,
      this.multiplyByInputs,
    );
    return delta === undefined ? attributions : { attributions, delta };
  }
}

/**
 * IG with Captum's defaults (zero baseline, multiplied by inputs) and the convergence delta,
 * also giving the class each item was explained for: `runAttribution` reports them, so its
 * callers need no forward pass of their own to learn the predicted classes. Internal (the
 * package index does not export it).
 */
export async function integratedGradientsWithTargets(
  model: AttributionModel,
  x: tf.Tensor,
  options: Omit<IntegratedGradientsAttributeOptions, 'returnConvergenceDelta'> = {},
): Promise<AttributionsWithDelta & { targets: Int32Array }> {
  const r = await integratedGradientsRun(
    resolveModel(model, 'IntegratedGradients'),
    x,
    { ...options, returnConvergenceDelta: true },
    integratedGradientsDefaults.baseline,
    integratedGradientsDefaults.multiplyByInputs,
  );
  return { attributions: r.attributions, delta: r.delta!, targets: r.targets };
}

async function integratedGradientsRun(
  m: ResolvedModel,
  x: tf.Tensor,
  options: IntegratedGradientsAttributeOptions,
  defaultBaseline: Baseline,
  multiplyByInputs: boolean,
): Promise<{ attributions: tf.Tensor; delta?: tf.Tensor1D; targets: Int32Array }> {
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
  const progress = optionalCallback(options.progress, 'progress', where);
  const input = validateInput(x, where, m.graph);
  const xs = input.x;
  const baseline = resolveBaseline(options.baselines ?? defaultBaseline, xs, where);
  let gap: tf.Tensor1D | undefined;
  try {
    let resolved: ResolvedTargets;
    if (returnConvergenceDelta && target === undefined) {
      // The delta's forward pass of [x; baseline] also gives the predicted classes (argmax of
      // the f(x) rows): one pass instead of a separate one on x.
      const endpoints = await endpointScores(m, xs, baseline, where);
      resolved = endpoints.resolved;
      gap = endpoints.gap;
    } else {
      resolved = await resolveTargets(m, xs, target, where);
    }
    const { targets, numClasses } = resolved;
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
      multiplyByInputs,
      where,
      progress,
    );
    if (!returnConvergenceDelta) return { attributions, targets };
    let delta: tf.Tensor1D;
    try {
      gap ??= endpointGap(m, xs, baseline, targets, numClasses, where);
      const g = gap;
      delta = tf.tidy(() => tf.sub(tf.sum(tf.reshape(attributions, [n, -1]), 1), g) as tf.Tensor1D);
    } catch (e) {
      attributions.dispose();
      throw e;
    }
    return { attributions, delta, targets };
  } finally {
    gap?.dispose();
    baseline.dispose();
    if (input.owned) xs.dispose();
  }
}

/** The [2N, C] scores of [x; baseline] (a baseline of one item is repeated for every item). */
function endpointOutputs(
  m: ResolvedModel,
  xs: tf.Tensor,
  baseline: tf.Tensor,
  where: string,
): tf.Tensor2D {
  const n = xs.shape[0]!;
  return tf.tidy(() => {
    const full = tf.add(tf.zerosLike(xs), baseline);
    return asScoreMatrix(m.forward(tf.concat([xs, full])), 2 * n, where);
  });
}

/** F(x)[t] - F(baseline)[t] per item from the [2N, C] endpoint scores. */
function pickedGap(out: tf.Tensor2D, targets: Int32Array, numClasses: number): tf.Tensor1D {
  return tf.tidy(() => {
    const picked = tf.sum(tf.mul(out, targetMask([...targets, ...targets], numClasses)), 1);
    const [fx, fb] = tf.split(picked, 2);
    return tf.sub(fx!, fb!) as tf.Tensor1D;
  });
}

/** F(x)[t] - F(baseline)[t] per item, one forward pass of [x; baseline]. */
function endpointGap(
  m: ResolvedModel,
  xs: tf.Tensor,
  baseline: tf.Tensor,
  targets: Int32Array,
  numClasses: number,
  where: string,
): tf.Tensor1D {
  const out = endpointOutputs(m, xs, baseline, where);
  try {
    return pickedGap(out, targets, numClasses);
  } finally {
    out.dispose();
  }
}

/**
 * One forward pass of [x; baseline]: each item's predicted class (argmax of its f(x) row, ties
 * to the lower index, as resolveTargets picks it) and F(x)[t] - F(baseline)[t] for that class.
 */
async function endpointScores(
  m: ResolvedModel,
  xs: tf.Tensor,
  baseline: tf.Tensor,
  where: string,
): Promise<{ resolved: ResolvedTargets; gap: tf.Tensor1D }> {
  const n = xs.shape[0]!;
  const out = endpointOutputs(m, xs, baseline, where);
  try {
    const numClasses = out.shape[1];
    const scores = await out.data();
    const targets = argmaxRows(scores.subarray(0, n * numClasses), n, numClasses, where);
    return { resolved: { targets, numClasses }, gap: pickedGap(out, targets, numClasses) };
  } finally {
    out.dispose();
  }
}

/**
 * sum_s stepSize_s * grad F(b + alpha_s (x - b)), times (x - b) when multiplying by inputs.
 * Items are split into groups of at most `rows` (a fixed count, or a throughput-sized chunk's
 * first size), and each pass takes as many whole steps of a group as fit in `rows`; the step
 * weights ride in the target mask, so the backward pass returns weighted gradients and one sum
 * over the chunk's steps accumulates them (through the model's affine prefix when it has one:
 * PathGradientSum).
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
  progress: ((done: number, total: number) => void) | undefined,
): tf.Tensor {
  const n = x.shape[0]!;
  const nSteps = alphas.length;
  let done = 0;
  progress?.(0, n * nSteps);
  const sized = typeof rows === 'number' ? undefined : rows;
  // Groups are as large as the first chunk; throughput sizing then adds steps per chunk.
  const groupSize = Math.min(n, sized ? sized.next() : (rows as number));
  const stepsPerChunk = () =>
    Math.max(1, Math.floor((sized ? sized.next() : (rows as number)) / groupSize));
  const prefix = usableAffinePrefix(m);
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
      let sum: PathGradientSum | undefined;
      try {
        sum = new PathGradientSum(m, prefix, xg, bg, diff, where);
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
          const mask = targetMask(chunkTargets, numClasses, chunkWeights);
          try {
            sum.add(Float32Array.from(alphas.subarray(s0, s0 + k)), mask);
          } finally {
            mask.dispose();
          }
          if (k === wanted) sized?.record(k * size, performance.now() - started);
          s0 += k;
          done += k * size;
          progress?.(done, n * nSteps);
        }
        const total = sum.total();
        parts.push(multiplyByInputs ? tf.tidy(() => tf.mul(total, diff)) : total);
        if (multiplyByInputs) total.dispose();
      } finally {
        sum?.dispose();
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
