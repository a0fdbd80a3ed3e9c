import { InterpError } from '@interp/core';
import { describe } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { type Baseline, resolveBaseline } from './internal/baseline.js';
import { throughputChunksFor } from './internal/batch-budget.js';
import { asScoreMatrix, type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import { resolveTargets, targetMask } from './internal/targets.js';
import { optionalPositiveInt, validateInput } from './internal/validate-input.js';
import type { AttributionModel, Target } from './types.js';

/** Options of {@link Occlusion.attribute}. */
export interface OcclusionAttributeOptions {
  /** Shape of the occluded patch, one entry per item axis (e.g. [4, 4, 1] for [H, W, C] images). */
  slidingWindowShapes: readonly number[];
  /** Shift of the patch per axis: one number for all axes or one per axis (default 1). */
  strides?: number | readonly number[];
  /** What replaces the occluded values: a number (default 0), a tensor like one item or like x. */
  baseline?: Baseline;
  /** Class to explain: an index, one per item, or (default) each item's predicted class. */
  target?: Target;
  /**
   * Occluded copies of every item evaluated per forward pass (Captum's `perturbations_per_eval`).
   * Default: as many as keep a pass's input under 2^17 values.
   */
  perturbationsPerEval?: number;
}

/** Defaults of {@link Occlusion.attribute}, written once. */
export const occlusionDefaults = Object.freeze({ strides: 1, baseline: 0 } as const);

/**
 * Occlusion (Zeiler & Fergus 2014) with Captum's semantics: a patch slides over each item from
 * the corner at index 0 in steps of `strides` until the axis is covered (the last patch may be
 * cut off at the edge); each patch is replaced by the baseline and the drop in the target score,
 * F(x) - F(x occluded), is credited to every value under the patch. A value covered by several
 * patches gets the mean of their drops. Only calls the model forward, so it also explains models
 * without gradients. The result has x's shape and is the caller's to dispose.
 *
 * @example
 * ```ts
 * const occ = new Occlusion(learn);
 * const attr = await occ.attribute(images, { slidingWindowShapes: [4, 4, 1], strides: [2, 2, 1] });
 * attr.dispose();
 * ```
 */
export class Occlusion {
  private readonly model: ResolvedModel;

  constructor(model: AttributionModel) {
    this.model = resolveModel(model, 'Occlusion');
  }

  async attribute(x: tf.Tensor, options: OcclusionAttributeOptions): Promise<tf.Tensor> {
    const where = 'Occlusion.attribute';
    const m = this.model;
    const input = validateInput(x, where, m.graph);
    const xs = input.x;
    const n = xs.shape[0]!;
    const item = xs.shape.slice(1);
    const itemSize = xs.size / n;
    const { window, strides } = windowGeometry(options, item, where);
    const perEval = optionalPositiveInt(options.perturbationsPerEval, 'perturbationsPerEval');
    const baseline = resolveBaseline(options.baseline ?? occlusionDefaults.baseline, xs, where);
    try {
      const { targets, numClasses } = await resolveTargets(m, xs, options.target, where);
      const shifts = window.map((w, d) => 1 + Math.ceil((item[d]! - w) / strides[d]!));
      const nWindows = shifts.reduce((a, b) => a * b, 1);
      // Unless perturbationsPerEval fixes them, passes grow while they run faster per row.
      const chunks = perEval === undefined ? throughputChunksFor(itemSize) : undefined;
      const initial = await targetScores(m, xs, targets, numClasses, where);
      const total = new Float64Array(n * itemSize);
      const counts = new Float64Array(itemSize);
      const regions: Int32Array[] = [];
      for (let start = 0; start < nWindows; ) {
        const wanted = Math.max(1, Math.min(nWindows, perEval ?? Math.floor(chunks!.next() / n)));
        const count = Math.min(wanted, nWindows - start);
        const started = performance.now();
        regions.length = 0;
        const masks = new Float32Array(count * itemSize);
        for (let p = 0; p < count; p++) {
          const region = windowIndices(start + p, shifts, strides, window, item);
          regions.push(region);
          for (const j of region) masks[p * itemSize + j] = 1;
        }
        const rowTargets = new Int32Array(count * n);
        for (let p = 0; p < count; p++) rowTargets.set(targets, p * n);
        const occludedScores = tf.tidy(() => {
          const mask = tf.tensor(masks, [count, 1, ...item]);
          const keep = tf.sub(1, mask);
          // Rows are window-major: every item with window p, then with window p + 1.
          const batch = tf.reshape(
            tf.add(tf.mul(tf.expandDims(xs, 0), keep), tf.mul(tf.expandDims(baseline, 0), mask)),
            [count * n, ...item],
          );
          const out = asScoreMatrix(m.forward(batch), count * n, where);
          return tf.sum(tf.mul(out, targetMask(rowTargets, numClasses)), 1);
        });
        const occluded = await occludedScores.data();
        occludedScores.dispose();
        if (count === wanted) chunks?.record(count * n, performance.now() - started);
        start += count;
        for (let p = 0; p < count; p++) {
          const region = regions[p]!;
          for (const j of region) counts[j]! += 1;
          for (let i = 0; i < n; i++) {
            const drop = initial[i]! - occluded[p * n + i]!;
            const base = i * itemSize;
            for (const j of region) total[base + j]! += drop;
          }
        }
      }
      const out = new Float32Array(n * itemSize);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < itemSize; j++) {
          out[i * itemSize + j] = total[i * itemSize + j]! / counts[j]!;
        }
      }
      return tf.tensor(out, xs.shape);
    } finally {
      baseline.dispose();
      if (input.owned) xs.dispose();
    }
  }
}

async function targetScores(
  m: ResolvedModel,
  x: tf.Tensor,
  targets: Int32Array,
  numClasses: number,
  where: string,
): Promise<Float32Array> {
  const scores = tf.tidy(() =>
    tf.sum(
      tf.mul(asScoreMatrix(m.forward(x), x.shape[0]!, where), targetMask(targets, numClasses)),
      1,
    ),
  );
  const data = (await scores.data()) as Float32Array;
  scores.dispose();
  return data;
}

function windowGeometry(
  options: OcclusionAttributeOptions,
  item: number[],
  where: string,
): { window: number[]; strides: number[] } {
  const shapes = options?.slidingWindowShapes;
  if (!Array.isArray(shapes) || shapes.length !== item.length) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: slidingWindowShapes must list one size per item axis (${item.length} for items of shape [${item.join(', ')}]), got ${Array.isArray(shapes) ? `[${shapes.join(', ')}]` : describe(shapes)}`,
    );
  }
  const rawStrides = options.strides ?? occlusionDefaults.strides;
  const strides = typeof rawStrides === 'number' ? item.map(() => rawStrides) : [...rawStrides];
  if (strides.length !== item.length) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: strides must be one number or one per item axis (${item.length}), got [${strides.join(', ')}]`,
    );
  }
  item.forEach((size, d) => {
    const w = shapes[d]!;
    const s = strides[d]!;
    if (!Number.isInteger(w) || w < 1 || w > size) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `${where}: slidingWindowShapes[${d}] = ${w} must be an integer in 1..${size} (the item's size on that axis)`,
      );
    }
    if (!Number.isInteger(s) || s < 1) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${where}: strides[${d}] = ${s} must be a positive integer`,
      );
    }
    // Captum's rule: a stride longer than the patch would skip values that no patch covers.
    if (w < size && s > w) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${where}: strides[${d}] = ${s} is larger than the window (${w}), so some values would never be occluded; use a stride <= ${w}`,
      );
    }
  });
  return { window: [...shapes], strides };
}

/**
 * Flat item indices covered by window number `index`. As in Captum, the first axis varies
 * fastest in the window numbering, and a window past the edge is cut off.
 */
function windowIndices(
  index: number,
  shifts: number[],
  strides: number[],
  window: number[],
  item: number[],
): Int32Array {
  const rank = item.length;
  const lo = new Array<number>(rank);
  const hi = new Array<number>(rank);
  let rest = index;
  for (let d = 0; d < rank; d++) {
    lo[d] = (rest % shifts[d]!) * strides[d]!;
    hi[d] = Math.min(lo[d]! + window[d]!, item[d]!);
    rest = Math.floor(rest / shifts[d]!);
  }
  let size = 1;
  for (let d = 0; d < rank; d++) size *= hi[d]! - lo[d]!;
  const out = new Int32Array(size);
  const pos = [...lo];
  for (let k = 0; k < size; k++) {
    let flat = 0;
    for (let d = 0; d < rank; d++) flat = flat * item[d]! + pos[d]!;
    out[k] = flat;
    for (let d = rank - 1; d >= 0; d--) {
      pos[d]! += 1;
      if (pos[d]! < hi[d]!) break;
      pos[d] = lo[d]!;
    }
  }
  return out;
}
