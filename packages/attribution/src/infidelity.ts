import { InterpError } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { repeatInterleave, sampleChunks } from './internal/metric-chunks.js';
import { targetScores } from './internal/perturbation-engine.js';
import { prepareCall } from './internal/prepare-call.js';
import { resolveModel } from './internal/resolve-model.js';
import { optionalPositiveInt } from './internal/validate-input.js';
import type { AttributeOptions, AttributionModel } from './types.js';

/**
 * Captum's `perturb_func` for infidelity: given the inputs repeated `nPerturbSamples` times
 * (item-major: rows i * k .. i * k + k - 1 are copies of item i) and the baselines when given,
 * returns the perturbations I and the perturbed inputs (usually x - I). Both are consumed
 * (disposed) by {@link infidelity}.
 */
export type InfidelityPerturbFunction = (
  inputs: tf.Tensor,
  baselines?: number | tf.Tensor,
) => [tf.Tensor, tf.Tensor] | Promise<[tf.Tensor, tf.Tensor]>;

/** Options of {@link infidelity}. */
export interface InfidelityOptions extends AttributeOptions {
  /** Passed to `perturbFn` (a tensor with one row per item is repeated like the inputs). */
  baselines?: number | tf.Tensor;
  /** Perturbations per item (default 10). */
  nPerturbSamples?: number;
  /** Most perturbed rows per forward pass (at least the batch size); default: chunks sized by measured throughput. */
  maxExamplesPerBatch?: number;
  /** Rescale the attributions by the least-squares beta first (Captum's `normalize`). */
  normalize?: boolean;
}

/** Defaults of {@link infidelity}, written once. */
export const infidelityDefaults = Object.freeze({ nPerturbSamples: 10, normalize: false } as const);

/**
 * Infidelity (Yeh et al. 2019) as Captum computes it: for each item, the mean over
 * `nPerturbSamples` perturbations I of (sum(I * attributions) - (F(x) - F(x perturbed)))^2 at
 * the target class; with `normalize`, the attributions are first scaled by the beta that
 * minimizes it. Lower is better: 0 for attributions that predict every perturbation's effect.
 * Returns one value per item ([N], the caller's to dispose).
 *
 * @example
 * ```ts
 * const noise: InfidelityPerturbFunction = (x) => tf.tidy(() => {
 *   const i = tf.randomNormal(x.shape, 0, 0.1);
 *   return [i, tf.sub(x, i)];
 * });
 * const infid = await infidelity(learn, noise, x, attributions, { target: 1 });
 * ```
 */
export async function infidelity(
  model: AttributionModel,
  perturbFn: InfidelityPerturbFunction,
  x: tf.Tensor,
  attributions: tf.Tensor,
  options: InfidelityOptions = {},
): Promise<tf.Tensor1D> {
  const where = 'infidelity';
  const m = resolveModel(model, where);
  if (typeof perturbFn !== 'function') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: perturbFn must be a function (inputs, baselines?) => [perturbations, perturbedInputs], got ${describe(perturbFn)}`,
    );
  }
  const call = await prepareCall(m, x, options, where);
  const xs = call.x;
  const { targets, numClasses } = call;
  try {
    if (!(attributions instanceof tf.Tensor) || attributions.isDisposed) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${where}: attributions must be a live tensor shaped like x, got ${describe(attributions)}`,
      );
    }
    if (attributions.shape.join() !== xs.shape.join()) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${where}: attributions have shape [${attributions.shape.join(', ')}] but x has shape [${xs.shape.join(', ')}]; pass the attributions of x`,
      );
    }
    const n = xs.shape[0]!;
    const itemSize = xs.size / n;
    const samples = optionalPositiveInt(
      options.nPerturbSamples ?? infidelityDefaults.nPerturbSamples,
      `${where}: nPerturbSamples`,
    )!;
    const eachChunk = sampleChunks(options.maxExamplesPerBatch, n, itemSize, samples, where);
    const fx = await targetScores(m.forward, xs, targets, numClasses, where);
    const normalize = options.normalize ?? infidelityDefaults.normalize;
    // Per item: sum (a - b)^2, or sum a^2, a b and b^2 for the normalized form.
    const aa = new Float64Array(n);
    const ab = new Float64Array(n);
    const bb = new Float64Array(n);
    const sq = new Float64Array(n);
    const attr = tf.cast(attributions, 'float32');
    try {
      await eachChunk(async (k) => {
        const rowTargets = new Int32Array(n * k);
        for (let r = 0; r < n * k; r++) rowTargets[r] = targets[Math.floor(r / k)]!;
        const expanded = tf.tidy(() => repeatInterleave(xs, k));
        const base = expandBaselines(options.baselines, n, k);
        let pert: tf.Tensor | undefined;
        let perturbed: tf.Tensor | undefined;
        try {
          [pert, perturbed] = await perturbFn(expanded, base ?? options.baselines);
          checkPerturbation(pert, perturbed, expanded.shape, where);
          const fp = await targetScores(m.forward, perturbed, rowTargets, numClasses, where);
          const dotT = tf.tidy(() =>
            tf.sum(tf.reshape(tf.mul(repeatInterleave(attr, k), pert!), [n * k, -1]), 1),
          );
          const dot = await dotT.data();
          dotT.dispose();
          for (let r = 0; r < n * k; r++) {
            const i = Math.floor(r / k);
            const a = dot[r]!;
            const b = fx[i]! - fp[r]!;
            aa[i]! += a * a;
            ab[i]! += a * b;
            bb[i]! += b * b;
            sq[i]! += (a - b) ** 2;
          }
        } finally {
          tf.dispose([expanded, pert, perturbed].filter((t) => t !== undefined) as tf.Tensor[]);
          if (base) base.dispose();
        }
      });
    } finally {
      attr.dispose();
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (normalize) {
        const beta = aa[i] === 0 ? 0 : ab[i]! / aa[i]!;
        out[i] = (beta * beta * aa[i]! - 2 * beta * ab[i]! + bb[i]!) / samples;
      } else out[i] = sq[i]! / samples;
    }
    return tf.tensor1d(out);
  } finally {
    call.release();
  }
}

function expandBaselines(
  b: number | tf.Tensor | undefined,
  n: number,
  k: number,
): tf.Tensor | undefined {
  if (b instanceof tf.Tensor && n > 1 && b.shape[0] === n)
    return tf.tidy(() => repeatInterleave(b, k));
  return undefined;
}

function checkPerturbation(
  pert: unknown,
  perturbed: unknown,
  shape: number[],
  where: string,
): void {
  for (const [name, t] of [
    ['perturbations', pert],
    ['perturbed inputs', perturbed],
  ] as const) {
    if (!(t instanceof tf.Tensor) || t.shape.join() !== shape.join()) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${where}: perturbFn must return [perturbations, perturbedInputs] shaped like its input [${shape.join(', ')}]; its ${name} are ${t instanceof tf.Tensor ? `[${t.shape.join(', ')}]` : describe(t)}`,
      );
    }
  }
}
