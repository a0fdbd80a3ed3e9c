import { InterpError, type RandomState, toRng } from '@interp/core';
import { assertNumber } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { gradientShapDefaults } from './gradient-shap.js';
import { throughputChunksFor } from './internal/batch-budget.js';
import {
  type LayerTarget,
  layerActivation,
  layerMethodTarget,
  targetLayerGradient,
} from './internal/layer-gradient.js';
import { prepareCall } from './internal/prepare-call.js';
import { optionalPositiveInt } from './internal/validate-input.js';
import type { LayerMethodOptions } from './layer-activation.js';
import type { AttributeOptions, Attribution, AttributionModel } from './types.js';

/** Options of the {@link LayerGradientShap} (and NeuronGradientShap) constructor. */
export interface LayerGradientShapOptions extends LayerMethodOptions {
  /** Multiply by layer(x_r) - layer(b_r) (inputs' difference for neurons; Captum's `multiply_by_inputs`). */
  multiplyByInputs?: boolean;
}

/** The random part of GradientShap's call, shared by the layer and neuron variants. */
export interface GradientShapSampling {
  /** A distribution of baselines, [B, ...item]. Required. */
  baselines: tf.Tensor;
  /** Noisy samples per item (Captum's `n_samples`). */
  nSamples?: number;
  /** Standard deviation of the Gaussian noise added to the inputs (Captum's `stdevs`). */
  stdevs?: number;
  /** Seed or generator of the noise, baseline choices and path points. */
  randomState?: RandomState;
}

/** Options of {@link LayerGradientShap.attribute}. */
export interface LayerGradientShapAttributeOptions extends AttributeOptions, GradientShapSampling {}

/**
 * What GradientShap draws for rows r = item * nSamples + sample (Captum's repeat_interleave
 * order): the Gaussian noise added to x (row-major, one item per row), the baseline index and
 * the path point alpha in [0, 1).
 */
export interface GradientShapDraws {
  noise: Float32Array;
  baselineIndices: Int32Array;
  alphas: Float32Array;
}

/** Draws GradientShap's noise, baseline indices and alphas for `rows` rows, in row order. */
export function drawGradientShap(
  rng: ReturnType<typeof toRng>,
  rows: number,
  itemSize: number,
  nBaselines: number,
  stdevs: number,
): GradientShapDraws {
  const noise = new Float32Array(rows * itemSize);
  const baselineIndices = new Int32Array(rows);
  const alphas = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < itemSize; j++) noise[r * itemSize + j] = stdevs * rng.normal();
    baselineIndices[r] = rng.int(nBaselines);
    alphas[r] = rng.random();
  }
  return { noise, baselineIndices, alphas };
}

/** Validates the sampling options against x; returns nSamples, stdevs and the baselines' count. */
export function checkGradientShapSampling(
  options: GradientShapSampling | undefined,
  x: tf.Tensor,
  where: string,
): { nSamples: number; stdevs: number; nBaselines: number } {
  const baselines = options?.baselines;
  const item = x.shape.slice(1);
  if (
    !(baselines instanceof tf.Tensor) ||
    baselines.rank !== x.rank ||
    baselines.shape.slice(1).some((d, i) => d !== item[i])
  ) {
    throw new InterpError(
      'SHAPE_MISMATCH',
      `${where}: baselines must be a tensor [B, ${item.join(', ')}] (a distribution of B reference inputs shaped like x's items), got ${baselines instanceof tf.Tensor ? `[${baselines.shape.join(', ')}]` : String(baselines)}`,
    );
  }
  const nSamples =
    optionalPositiveInt(options?.nSamples, `${where}: nSamples`) ?? gradientShapDefaults.nSamples;
  const stdevs = assertNumber(
    options?.stdevs ?? gradientShapDefaults.stdevs,
    `${where}: stdevs`,
    0,
  );
  return { nSamples, stdevs, nBaselines: baselines.shape[0]! };
}

/**
 * LayerGradientShap and NeuronGradientShap's `attribute` after validation: checks the sampling
 * options against the call's x, draws every row's noise, baseline and path point from
 * `randomState`, runs `fromDraws` on them and frees the call (on a throw too).
 *
 * @example
 * ```ts
 * return withGradientShapDraws(call, options, where, (draws, nSamples) => ...);
 * ```
 */
export function withGradientShapDraws(
  call: { x: tf.Tensor; release(): void },
  options: GradientShapSampling,
  where: string,
  fromDraws: (draws: GradientShapDraws, nSamples: number) => tf.Tensor,
): tf.Tensor {
  try {
    const { x } = call;
    const { nSamples, stdevs, nBaselines } = checkGradientShapSampling(options, x, where);
    const n = x.shape[0]!;
    const draws = drawGradientShap(
      toRng(options.randomState),
      n * nSamples,
      x.size / n,
      nBaselines,
      stdevs,
    );
    return fromDraws(draws, nSamples);
  } finally {
    call.release();
  }
}

/**
 * The noisy inputs x_r, baselines b_r and points alpha_r x_r + (1 - alpha_r) b_r of rows
 * `start .. start + count - 1` (row r is item floor(r / nSamples)).
 */
export function gradientShapRows(
  x: tf.Tensor,
  baselines: tf.Tensor,
  draws: GradientShapDraws,
  nSamples: number,
  start: number,
  count: number,
): { inputs: tf.Tensor; references: tf.Tensor; points: tf.Tensor } {
  return tf.tidy(() => {
    const item = x.shape.slice(1);
    const itemSize = x.size / x.shape[0]!;
    const items = new Int32Array(count);
    for (let r = 0; r < count; r++) items[r] = Math.floor((start + r) / nSamples);
    const noise = tf.tensor(draws.noise.subarray(start * itemSize, (start + count) * itemSize), [
      count,
      ...item,
    ]);
    const inputs = tf.add(tf.gather(x, tf.tensor1d(items, 'int32')), noise);
    const idx = tf.tensor1d(draws.baselineIndices.subarray(start, start + count), 'int32');
    const references = tf.gather(tf.cast(baselines, 'float32'), idx);
    const alpha = tf.reshape(tf.tensor1d(draws.alphas.subarray(start, start + count)), [
      count,
      ...item.map(() => 1),
    ]);
    const points = tf.add(tf.mul(alpha, inputs), tf.mul(tf.sub(1, alpha), references));
    return { inputs, references, points };
  });
}

/**
 * Runs `perRows` on the GradientShap rows of x (nSamples per item) in chunks sized by measured
 * throughput ({@link throughputChunksFor}), then averages each item's rows: [N, ...what perRows
 * returns per row].
 * Chunks hold whole rows; each chunk's tensors are freed once its result is kept.
 */
export function meanOverSampleRows(
  x: tf.Tensor,
  baselines: tf.Tensor,
  draws: GradientShapDraws,
  nSamples: number,
  perRows: (
    rows: { inputs: tf.Tensor; references: tf.Tensor; points: tf.Tensor },
    start: number,
    count: number,
  ) => tf.Tensor,
): tf.Tensor {
  const n = x.shape[0]!;
  const total = n * nSamples;
  const itemSize = x.size / n;
  const chunks = throughputChunksFor(itemSize);
  const parts: tf.Tensor[] = [];
  try {
    for (let start = 0; start < total; ) {
      const wanted = chunks.next();
      const count = Math.min(wanted, total - start);
      const started = performance.now();
      parts.push(
        tf.tidy(() =>
          perRows(gradientShapRows(x, baselines, draws, nSamples, start, count), start, count),
        ),
      );
      if (count === wanted) chunks.record(count, performance.now() - started);
      start += count;
    }
    return tf.tidy(() => {
      const rows = parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
      return tf.mean(tf.reshape(rows, [n, nSamples, ...rows.shape.slice(1)]), 1);
    });
  } finally {
    tf.dispose(parts);
  }
}

/**
 * LayerGradientShap's attributions from given draws (the class draws them from `randomState`;
 * a test replays Captum's recorded draws).
 */
export function layerGradientShapFromDraws(
  target: LayerTarget,
  x: tf.Tensor,
  baselines: tf.Tensor,
  targets: Int32Array,
  numClasses: number,
  draws: GradientShapDraws,
  nSamples: number,
  multiplyByInputs: boolean,
  where: string,
): tf.Tensor {
  const { model, layer } = target;
  return meanOverSampleRows(x, baselines, draws, nSamples, (rows, start, count) => {
    const { inputs, references, points } = rows;
    const rowTargets = new Int32Array(count);
    for (let r = 0; r < count; r++) rowTargets[r] = targets[Math.floor((start + r) / nSamples)]!;
    const { grads } = targetLayerGradient(target, points, rowTargets, numClasses, where);
    if (!multiplyByInputs) return grads;
    const diff = tf.sub(
      layerActivation(model.graph, inputs, layer),
      layerActivation(model.graph, references, layer),
    );
    return tf.mul(grads, diff);
  });
}

/**
 * Captum's `LayerGradientShap`: for each item, nSamples rows with Gaussian noise added to the
 * input (`stdevs`), a random baseline from the distribution and a random point alpha on the
 * path between them; each row's attribution is (layer(x_r) - layer(b_r)) times the gradient
 * of the target score with respect to the layer's output at the point, averaged per item.
 * Seeded (`randomState`); Captum's defaults (nSamples 5, stdevs 0). [N, ...layer shape], the
 * caller's to dispose.
 *
 * @example
 * ```ts
 * const lgs = new LayerGradientShap(model, { layer: 'act1' });
 * const attr = await lgs.attribute(x, { target: 0, baselines: background, nSamples: 20, randomState: 0 });
 * attr.dispose();
 * ```
 */
export class LayerGradientShap implements Attribution<LayerGradientShapAttributeOptions> {
  readonly multiplyByInputs: boolean;
  private readonly target: LayerTarget;

  constructor(model: AttributionModel, options: LayerGradientShapOptions) {
    this.target = layerMethodTarget(model, options, 'LayerGradientShap');
    this.multiplyByInputs = options.multiplyByInputs ?? gradientShapDefaults.multiplyByInputs;
  }

  async attribute(x: tf.Tensor, options: LayerGradientShapAttributeOptions): Promise<tf.Tensor> {
    const where = 'LayerGradientShap.attribute';
    const call = await prepareCall(this.target.model, x, options, where);
    return withGradientShapDraws(call, options, where, (draws, n) =>
      layerGradientShapFromDraws(
        this.target,
        call.x,
        options.baselines,
        call.targets,
        call.numClasses,
        draws,
        n,
        this.multiplyByInputs,
        where,
      ),
    );
  }
}
