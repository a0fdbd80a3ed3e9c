import type { RandomGenerator } from '@interp/core';
import type * as tf from '@tensorflow/tfjs-core';
import type { AttributeOptions } from '../types.js';
import type { Baseline } from './baseline.js';
import {
  fillFeatureMask,
  type ResolvedFeatureMask,
  resolveFeatureMask,
  spreadFeatures,
} from './feature-mask.js';
import type { LinearFit } from './lime-linear-model.js';
import { withPerturbationCall } from './perturbation-call.js';
import { perturbedScores } from './perturbation-engine.js';
import type { ResolvedModel } from './resolve-model.js';

/** The options Lime and KernelShap share. */
export interface SurrogateOptions extends AttributeOptions {
  baselines?: Baseline;
  featureMask?: tf.Tensor;
  perturbationsPerEval?: number;
}

/** How one surrogate method samples, weighs and fits (Lime's or KernelShap's defaults). */
export interface SurrogateRecipe {
  /** Draws sample `s` of `nSamples` into `present` (1 = the feature keeps x's values). */
  draw(rng: RandomGenerator, s: number, present: Uint8Array): void;
  /** Weight of a sample given its `present` vector and its cosine similarity to x. */
  weight(present: Uint8Array, cosine: number): number;
  /** Fits the interpretable model: X is m x p row-major. */
  fit(
    x: Float64Array,
    y: Float32Array | Float64Array,
    w: Float64Array,
    m: number,
    p: number,
  ): LinearFit;
  /** The baseline when the options give none (the method's `...Defaults.baselines`). */
  defaultBaseline: Baseline;
  /** True when `weight` reads `cosine` (it costs a pass over the item's values per sample). */
  needsCosine: boolean;
}

/**
 * Captum's LimeBase loop, batched: every item gets its own `nSamples` binary samples over the
 * interpretable features (a feature absent takes the baseline's values), all of them are
 * evaluated by the perturbation engine, and an interpretable linear model fitted per item to
 * (samples, target scores, weights) gives one coefficient per feature.
 */
export async function surrogateAttribute(
  m: ResolvedModel,
  x: tf.Tensor,
  options: SurrogateOptions,
  nSamples: number,
  rng: RandomGenerator,
  recipe: SurrogateRecipe,
  where: string,
): Promise<tf.Tensor> {
  return withPerturbationCall(
    m,
    x,
    options,
    where,
    recipe.defaultBaseline,
    async ({ call, baseline, problem }) => {
      const xs = call.x;
      const mask = await resolveFeatureMask(options.featureMask, xs, where);
      const n = xs.shape[0]!;
      const nf = mask.numFeatures;
      const samples = new Uint8Array(n * nSamples * nf);
      for (let i = 0; i < n; i++) {
        for (let s = 0; s < nSamples; s++) {
          const off = (i * nSamples + s) * nf;
          recipe.draw(rng, s, samples.subarray(off, off + nf));
        }
      }
      const off = new Uint8Array(nf);
      const scores = await perturbedScores(problem, nSamples, (s, i, out) => {
        const present = samples.subarray((i * nSamples + s) * nf, (i * nSamples + s + 1) * nf);
        for (let k = 0; k < nf; k++) off[k] = present[k] ? 0 : 1;
        fillFeatureMask(mask, i, off, out);
      });
      const sums = recipe.needsCosine ? await featureSums(xs, baseline, mask) : undefined;
      const coefs = new Float64Array(n * nf);
      const design = new Float64Array(nSamples * nf);
      const y = new Float64Array(nSamples);
      const w = new Float64Array(nSamples);
      for (let i = 0; i < n; i++) {
        for (let s = 0; s < nSamples; s++) {
          const present = samples.subarray((i * nSamples + s) * nf, (i * nSamples + s + 1) * nf);
          for (let k = 0; k < nf; k++) design[s * nf + k] = present[k]!;
          y[s] = scores[s * n + i]!;
          w[s] = recipe.weight(present, sums ? cosine(sums, i, nf, present) : 1);
        }
        coefs.set(recipe.fit(design, y, w, nSamples, nf).coef, i * nf);
      }
      return spreadFeatures(mask, coefs, n, xs.shape);
    },
  );
}

/** Per item and feature: sum of x^2, of x * baseline and of baseline^2 over the feature's values. */
async function featureSums(
  xs: tf.Tensor,
  baseline: tf.Tensor,
  mask: ResolvedFeatureMask,
): Promise<Float64Array> {
  const n = xs.shape[0]!;
  const { itemSize, numFeatures: nf } = mask;
  const xv = await xs.data();
  const bv = await baseline.data();
  const bRows = baseline.shape[0]!;
  const out = new Float64Array(n * nf * 3);
  for (let i = 0; i < n; i++) {
    const mBase = mask.rows === 1 ? 0 : i * itemSize;
    const bBase = bRows === 1 ? 0 : i * itemSize;
    for (let j = 0; j < itemSize; j++) {
      const k = mask.index[mBase + j]!;
      const a = xv[i * itemSize + j]!;
      const b = bv[bBase + j]!;
      const o = (i * nf + k) * 3;
      out[o]! += a * a;
      out[o + 1]! += a * b;
      out[o + 2]! += b * b;
    }
  }
  return out;
}

/**
 * Cosine similarity of item i and its perturbed copy (features present keep x, the others take
 * the baseline), as torch's CosineSimilarity computes it (norms clamped at 1e-8).
 */
function cosine(sums: Float64Array, i: number, nf: number, present: Uint8Array): number {
  let dot = 0;
  let xx = 0;
  let pp = 0;
  for (let k = 0; k < nf; k++) {
    const o = (i * nf + k) * 3;
    xx += sums[o]!;
    if (present[k]) {
      dot += sums[o]!;
      pp += sums[o]!;
    } else {
      dot += sums[o + 1]!;
      pp += sums[o + 2]!;
    }
  }
  return dot / (Math.max(Math.sqrt(xx), 1e-8) * Math.max(Math.sqrt(pp), 1e-8));
}
