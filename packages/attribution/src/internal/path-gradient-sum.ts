import type { AffinePrefix } from '@interp/core';
import { InterpError } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { accumulate } from './layer-gradient.js';
import { asScoreMatrix, type ResolvedModel } from './resolve-model.js';
import { targetGradient } from './target-gradient.js';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;

/**
 * Whether Integrated Gradients runs a model's affine prefix once per item instead of once per
 * path point (see {@link PathGradientSum}): on unless the environment variable
 * `INTERP_AFFINE_PREFIX=0` turns it off (a benchmark's before/after), for prefixes doing at least
 * `minMacsPerOutput` multiply-adds per output value. The tail's rows are larger than the input's
 * (5.3x on ResNet-18, 2.7x on MobileNetV2) and cost a few element-wise passes each: whole
 * processes of 50-step IG on 2 images (bench/ig-affine-prefix.bench.mjs, 5 pairs, load 7-9) took
 * 0.87x the CPU on ResNet-18 (147 per value: the 7x7 conv) and 1.20x on MobileNetV2 (27: a 3x3
 * conv on 3 channels). Test hooks too.
 */
export const affinePrefixes = {
  enabled: env?.INTERP_AFFINE_PREFIX !== '0',
  // INTERP_AFFINE_PREFIX=all: any prefix (the benchmark's case for the threshold).
  minMacsPerOutput: env?.INTERP_AFFINE_PREFIX === 'all' ? 0 : 64,
};

/**
 * The model's affine prefix when IG may use it: the switch is on, the model graph offers one that
 * does enough work per value, and there is no tfjs-layers model (whose own tape-free backward
 * targetGradient takes).
 */
export function usableAffinePrefix(m: ResolvedModel): AffinePrefix | undefined {
  if (!affinePrefixes.enabled || m.layersModel !== undefined) return undefined;
  const prefix = m.graph.affinePrefix?.();
  return prefix && prefix.macsPerOutput >= affinePrefixes.minMacsPerOutput ? prefix : undefined;
}

/**
 * The weighted sum of the target gradients at points b + a (x - b) of a group of items' straight
 * paths, added chunk by chunk. With an affine prefix P (F = T o P), the rows fed to the model are
 * the tail's, P(b) + a (P(x) - P(b)) (P(x) and P(b) computed once), their gradients are summed
 * with respect to P's output, and J_P^T maps the sum back once at the end: the same numbers up to
 * float rounding, without P's forward and input gradient per row. A chunk whose tail gradient the
 * model cannot give runs through the whole model instead, and so do all later ones.
 */
export class PathGradientSum {
  /** P(b) and P(x) - P(b), while the prefix is used. */
  private prefixPath: [tf.Tensor, tf.Tensor] | undefined;
  private prefixTotal: tf.Tensor | undefined;
  private inputTotal: tf.Tensor | undefined;

  /** `baseline` has one row or as many as `x`; `diff` is x - baseline. The tensors stay the caller's. */
  constructor(
    private readonly model: ResolvedModel,
    private readonly prefix: AffinePrefix | undefined,
    x: tf.Tensor,
    private readonly baseline: tf.Tensor,
    private readonly diff: tf.Tensor,
    private readonly where: string,
  ) {
    this.prefixPath =
      prefix &&
      tf.tidy(() => {
        const pb = prefix.apply(baseline);
        return [pb, tf.sub(prefix.apply(x), pb)];
      });
  }

  /**
   * Adds sum_s mask-weighted gradients at the points `alphas` (step-major rows, as Captum
   * concatenates them: all items at alpha_0, then alpha_1...); `mask` is [alphas x items, C].
   */
  add(alphas: Float32Array, mask: tf.Tensor2D): void {
    const n = this.diff.shape[0]!;
    if (this.prefixPath !== undefined) {
      const prefix = this.prefix!;
      const [start, direction] = this.prefixPath;
      // Each step frees what it made before the next (the rows are 5x the input on ResNet-18).
      const rows = tf.tidy(() => pathRows(start, direction, alphas));
      const r = (() => {
        try {
          return prefix.tailGradient(rows, (outputs) => seedOf(outputs, mask, this.where));
        } finally {
          rows.dispose();
        }
      })();
      const summed =
        r &&
        tf.tidy(() => {
          r.outputs.dispose();
          return sumSteps(r.gradient, alphas.length, n);
        });
      if (r !== undefined && summed !== r.gradient) r.gradient.dispose();
      if (summed !== undefined) {
        this.prefixTotal = accumulate(this.prefixTotal, summed);
        return;
      }
      tf.dispose(this.prefixPath);
      this.prefixPath = undefined;
    }
    const summed = tf.tidy(() => {
      const rows = pathRows(this.baseline, this.diff, alphas);
      const grads = targetGradient(this.model, rows, mask, this.where);
      return sumSteps(grads, alphas.length, n);
    });
    this.inputTotal = accumulate(this.inputTotal, summed);
  }

  /** The sum so far with respect to x (the caller's); the state is left to {@link dispose}. */
  total(): tf.Tensor {
    return tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      if (this.prefixTotal !== undefined) parts.push(this.prefix!.transpose(this.prefixTotal));
      if (this.inputTotal !== undefined) parts.push(tf.clone(this.inputTotal));
      if (parts.length === 0) return tf.zerosLike(this.diff);
      return parts.length === 1 ? parts[0]! : tf.addN(parts);
    });
  }

  dispose(): void {
    tf.dispose([...(this.prefixPath ?? []), this.prefixTotal, this.inputTotal].filter(isTensor));
    this.prefixPath = undefined;
    this.prefixTotal = undefined;
    this.inputTotal = undefined;
  }
}

function isTensor(t: tf.Tensor | undefined): t is tf.Tensor {
  return t !== undefined;
}

/** start + alpha_s direction for each s, stacked step-major into [alphas x items, ...]. */
function pathRows(start: tf.Tensor, direction: tf.Tensor, alphas: Float32Array): tf.Tensor {
  const k = alphas.length;
  const rest = direction.shape.slice(1);
  const a = tf.reshape(tf.tensor1d(alphas), [k, 1, ...rest.map(() => 1)]);
  return tf.reshape(tf.add(start, tf.mul(a, direction)), [k * direction.shape[0]!, ...rest]);
}

/**
 * The per-item sum over the k steps of step-major rows, as a sum over axis 0 of a [k, rest]
 * matrix: tfjs-wasm transposes a summed axis to the end first, and its 5-D transpose ([k, n, c,
 * h, w]) is slow (ResNet-18's 2 x 64 x 112 x 112 at 6 steps: ~1 s against 42 ms in 2-D, 190 ms
 * against 3 ms for 2 x 3 x 224 x 224; same numbers).
 */
function sumSteps(grads: tf.Tensor, k: number, n: number): tf.Tensor {
  if (k === 1) return grads;
  const item = grads.shape.slice(1);
  return tf.reshape(tf.sum(tf.reshape(grads, [k, grads.size / k]), 0), [n, ...item]);
}

/** d(score)/d(outputs) for the tail: the weighted one-hot mask, shaped like the outputs. */
function seedOf(outputs: tf.Tensor, mask: tf.Tensor2D, where: string): tf.Tensor {
  const scores = asScoreMatrix(outputs, mask.shape[0], where);
  if (scores.shape[1] !== mask.shape[1]) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: the model returned ${scores.shape[1]} scores per item, the targets were resolved for ${mask.shape[1]}; the model must return the same classes for every input`,
    );
  }
  return tf.reshape(mask, outputs.shape);
}
