import { InterpError, type RandomState, toRng } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { repeatInterleave, sampleChunks } from './internal/metric-chunks.js';
import { optionalPositiveInt, validateInput } from './internal/validate-input.js';

/**
 * The explanation whose sensitivity is measured: attributions of a batch (shaped like it), e.g.
 * `(x, { target }) => saliencyMap(model, x, { target })`. `target` holds one class per row
 * (repeated for the perturbed copies) when {@link SensitivityMaxOptions.target} is given.
 */
export type ExplanationFunction = (
  x: tf.Tensor,
  args: { target?: number[] },
) => tf.Tensor | Promise<tf.Tensor>;

/** Captum's `perturb_func` for sensitivity: the perturbed copies of `inputs` (same shape). */
export type SensitivityPerturbFunction = (inputs: tf.Tensor, radius: number) => tf.Tensor;

/** Options of {@link sensitivityMax}. */
export interface SensitivityMaxOptions {
  /** Class per item (a number or one per item) handed to the explanation function. */
  target?: number | readonly number[];
  /** Default: uniform noise in the L-infinity ball of radius `perturbRadius`, seeded. */
  perturbFunc?: SensitivityPerturbFunction;
  /** Radius of the default perturbation (default 0.02). */
  perturbRadius?: number;
  /** Perturbations per item (default 10). */
  nPerturbSamples?: number;
  /** Norm of the explanation change: 'fro' (default, the 2-norm of the flattened change) or p >= 1 (Infinity allowed). */
  normOrd?: 'fro' | number;
  /** Most perturbed rows per explanation call (at least the batch size); default: chunks sized by measured throughput. */
  maxExamplesPerBatch?: number;
  /** Seed or generator of the default perturbation. */
  randomState?: RandomState;
}

/** Defaults of {@link sensitivityMax}, written once. */
export const sensitivityMaxDefaults = Object.freeze({
  perturbRadius: 0.02,
  nPerturbSamples: 10,
  normOrd: 'fro',
} as const);

/**
 * Max-sensitivity (Yeh et al. 2019) as Captum computes it: for each item, the largest
 * ||expl(x) - expl(x perturbed)|| / ||expl(x)|| over `nPerturbSamples` perturbations (a zero
 * ||expl(x)|| counts as 1). Lower is better: 0 for an explanation that does not change under the
 * perturbations. Returns one value per item ([N], the caller's to dispose).
 *
 * @example
 * ```ts
 * const explain: ExplanationFunction = (x, { target }) => saliencyMap(learn, x, { target });
 * const sens = await sensitivityMax(explain, x, { target: 3, randomState: 0 });
 * ```
 */
export async function sensitivityMax(
  explanationFn: ExplanationFunction,
  x: tf.Tensor,
  options: SensitivityMaxOptions = {},
): Promise<tf.Tensor1D> {
  const where = 'sensitivityMax';
  const d = sensitivityMaxDefaults;
  if (typeof explanationFn !== 'function') {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: explanationFn must be a function (x, { target }) => attributions, got ${describe(explanationFn)}`,
    );
  }
  const radius = options.perturbRadius ?? d.perturbRadius;
  if (typeof radius !== 'number' || !Number.isFinite(radius) || radius < 0) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: perturbRadius must be a finite number >= 0, got ${describe(radius)}`,
    );
  }
  const ord = options.normOrd ?? d.normOrd;
  if (ord !== 'fro' && !(typeof ord === 'number' && ord >= 1)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: normOrd must be 'fro' or a number >= 1 (Infinity for the max norm), got ${describe(ord)}`,
    );
  }
  const input = validateInput(x, where);
  const xs = input.x;
  try {
    const n = xs.shape[0]!;
    const samples = optionalPositiveInt(
      options.nPerturbSamples ?? d.nPerturbSamples,
      `${where}: nPerturbSamples`,
    )!;
    const eachChunk = sampleChunks(options.maxExamplesPerBatch, n, xs.size / n, samples, where);
    const target = itemTargets(options.target, n, where);
    const rng = toRng(options.randomState);
    const perturb: SensitivityPerturbFunction =
      options.perturbFunc ??
      ((v, r) => {
        const noise = new Float32Array(v.size);
        for (let j = 0; j < noise.length; j++) noise[j] = (2 * rng.random() - 1) * r;
        return tf.tidy(() => tf.add(v, tf.tensor(noise, v.shape)));
      });
    const base = await explain(explanationFn, xs, target, xs.shape, where);
    const baseNorm = rowNorms(base, ord, n);
    const best = new Float64Array(n);
    await eachChunk(async (k) => {
      const rowTarget = target?.flatMap((t) => new Array<number>(k).fill(t));
      const expanded = tf.tidy(() => repeatInterleave(xs, k));
      let perturbed: tf.Tensor | undefined;
      try {
        perturbed = perturb(expanded, radius);
        const e = await explain(explanationFn, perturbed, rowTarget, expanded.shape, where);
        const size = e.length / (n * k);
        const diff = new Float64Array(e.length);
        for (let r = 0; r < n * k; r++) {
          const i = Math.floor(r / k);
          for (let j = 0; j < size; j++)
            diff[r * size + j] = base[i * size + j]! - e[r * size + j]!;
        }
        const norms = rowNorms(diff, ord, n * k);
        for (let r = 0; r < n * k; r++) {
          const i = Math.floor(r / k);
          const denom = baseNorm[i] === 0 ? 1 : baseNorm[i]!;
          best[i] = Math.max(best[i]!, norms[r]! / denom);
        }
      } finally {
        expanded.dispose();
        if (perturbed && perturbed !== expanded) perturbed.dispose();
      }
    });
    return tf.tensor1d(Float32Array.from(best));
  } finally {
    if (input.owned) xs.dispose();
  }
}

async function explain(
  fn: ExplanationFunction,
  x: tf.Tensor,
  target: number[] | undefined,
  shape: number[],
  where: string,
): Promise<Float32Array> {
  const e = await fn(x, target === undefined ? {} : { target });
  if (!(e instanceof tf.Tensor) || e.shape[0] !== shape[0]) {
    if (e instanceof tf.Tensor) e.dispose();
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: explanationFn must return a tensor with one row per input row (${shape[0]}), got ${e instanceof tf.Tensor ? `shape [${e.shape.join(', ')}]` : describe(e)}`,
    );
  }
  const data = (await e.data()) as Float32Array;
  e.dispose();
  return data;
}

function rowNorms(v: ArrayLike<number>, ord: 'fro' | number, rows?: number): Float64Array {
  const n = rows ?? 1;
  const size = v.length / n;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let acc = 0;
    for (let j = 0; j < size; j++) {
      const a = Math.abs(v[r * size + j]!);
      if (ord === Number.POSITIVE_INFINITY) acc = Math.max(acc, a);
      else acc += ord === 'fro' ? a * a : a ** ord;
    }
    out[r] =
      ord === Number.POSITIVE_INFINITY ? acc : ord === 'fro' ? Math.sqrt(acc) : acc ** (1 / ord);
  }
  return out;
}

function itemTargets(
  target: number | readonly number[] | undefined,
  n: number,
  where: string,
): number[] | undefined {
  if (target === undefined) return undefined;
  const list = typeof target === 'number' ? new Array<number>(n).fill(target) : [...target];
  if (list.length !== n || !list.every(Number.isInteger)) {
    throw new InterpError(
      'INVALID_ARGUMENT',
      `${where}: target must be a class index or one integer index per item (${n}), got ${describe(target)}`,
    );
  }
  return list;
}
