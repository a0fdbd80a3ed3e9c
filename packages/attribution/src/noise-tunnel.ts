import { InterpError, type RandomState, toRng } from '@interp/core';
import { assertNumber, keyword } from '@interp/core/internal';
import * as tf from '@tensorflow/tfjs-core';
import { throughputChunksFor } from './internal/batch-budget.js';
import { type ResolvedModel, resolveModel } from './internal/resolve-model.js';
import { resolveTargets } from './internal/targets.js';
import { optionalPositiveInt, validateInput } from './internal/validate-input.js';
import type { AttributionModel, Target } from './types.js';

/** How the noisy samples' attributions are combined (Captum's `nt_type`). */
export type NoiseTunnelType = 'smoothgrad' | 'smoothgrad_sq' | 'vargrad';

/** Every {@link NoiseTunnelType}. */
export const NOISE_TUNNEL_TYPES: readonly NoiseTunnelType[] = [
  'smoothgrad',
  'smoothgrad_sq',
  'vargrad',
];

/**
 * An attribution method the tunnel wraps, as a function: attributions for a batch, one target
 * class per row. Any method of this package fits, e.g. `(x, o) => saliencyMap(learn, x, o)`.
 */
export type AttributionFunction = (
  x: tf.Tensor,
  options: { target: Int32Array },
) => Promise<tf.Tensor> | tf.Tensor;

/**
 * An attribution method object with the common call shape (`new Method(model, ...)`): primary,
 * layer or neuron. Its `attribute(x, { target, ...methodOptions })` may resolve to a tensor or to
 * `{ attributions, delta }` (the delta is dropped).
 */
export interface AttributionMethod {
  attribute(x: tf.Tensor, options: never): Promise<unknown>;
}

/** Options of {@link NoiseTunnel.attribute}. */
export interface NoiseTunnelAttributeOptions {
  /** Class to explain: an index, one per item, or (default) each item's predicted class on the clean input. */
  target?: Target;
  /** `smoothgrad` (mean), `smoothgrad_sq` (mean of squares) or `vargrad` (variance). */
  ntType?: NoiseTunnelType;
  /** Noisy copies per item. */
  nSamples?: number;
  /** Standard deviation of the Gaussian noise, in input units (Captum's `stdevs`). */
  stdevs?: number;
  /** Seed or generator of the noise; the same seed gives the same attributions. */
  randomState?: RandomState;
  /**
   * Most noisy rows per call of the wrapped method. Default: as many as keep a call's input under
   * 2^17 values. The noise is drawn in row order, so the result does not depend on it.
   */
  internalBatchSize?: number;
  /**
   * Further options passed to a wrapped method object's `attribute` with each chunk's targets
   * (Captum's `**kwargs`): `{ nSteps: 20 }`, `{ neuronSelector: [2] }`, `{ baselines }`.
   */
  methodOptions?: Readonly<Record<string, unknown>>;
}

/** Defaults of {@link NoiseTunnel.attribute}, written once. */
export const noiseTunnelDefaults = Object.freeze({
  ntType: 'smoothgrad',
  nSamples: 5,
  stdevs: 1,
} as const);

/**
 * Noise tunnel (Captum's `NoiseTunnel`; SmoothGrad, Smilkov et al. 2017; VarGrad, Adebayo et al.
 * 2018): adds Gaussian noise N(0, stdevs^2) to each item `nSamples` times, attributes every noisy
 * copy with the wrapped method for the item's target, and returns per item the mean of the
 * copies' attributions (`smoothgrad`), the mean of their squares (`smoothgrad_sq`) or their
 * variance (`vargrad`). Noisy copies go through the method in chunks. The method is any method
 * object with the common call shape (primary, layer or neuron; `methodOptions` go to its
 * `attribute` with each chunk's targets) or a function. It sees noisy rows, not the original
 * items, so a wrapped Integrated Gradients should use a baseline shaped like one item (or a
 * number). The result is shaped like the method's per-row output (x's shape; a layer method's
 * [N, ...layer shape]) and is the caller's to dispose.
 *
 * @example
 * ```ts
 * const ig = new IntegratedGradients(learn);
 * const nt = new NoiseTunnel(learn, (x, o) => ig.attribute(x, { ...o, nSteps: 20 }));
 * const attr = await nt.attribute(images, { nSamples: 10, stdevs: 0.1, randomState: 0 });
 * // or any method object, options passed through:
 * const lc = new NoiseTunnel(model, new LayerConductance(model, { layer: 'block.relu2' }));
 * const layerAttr = await lc.attribute(x, { target: 0, stdevs: 0.1, methodOptions: { nSteps: 20 } });
 * tf.dispose([attr, layerAttr]);
 * ```
 */
export class NoiseTunnel {
  private readonly model: ResolvedModel;
  private readonly method: AttributionFunction | AttributionMethod;

  constructor(model: AttributionModel, method: AttributionFunction | AttributionMethod) {
    this.model = resolveModel(model, 'NoiseTunnel');
    const isMethod =
      typeof method === 'object' &&
      method !== null &&
      typeof (method as AttributionMethod).attribute === 'function';
    if (typeof method !== 'function' && !isMethod) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'NoiseTunnel needs an attribution method object (e.g. new IntegratedGradients(model), new LayerConductance(model, { layer })) or an attribution function (x, { target }) => attributions, e.g. (x, o) => saliencyMap(learn, x, o)',
      );
    }
    this.method = method;
  }

  async attribute(x: tf.Tensor, options: NoiseTunnelAttributeOptions = {}): Promise<tf.Tensor> {
    const where = 'NoiseTunnel.attribute';
    const ntType = keyword(
      options.ntType,
      'ntType',
      NOISE_TUNNEL_TYPES,
      noiseTunnelDefaults.ntType,
    );
    const nSamples =
      optionalPositiveInt(options.nSamples, 'nSamples') ?? noiseTunnelDefaults.nSamples;
    const stdevs = assertNumber(options.stdevs ?? noiseTunnelDefaults.stdevs, 'stdevs', 0);
    const batchSize = optionalPositiveInt(options.internalBatchSize, 'internalBatchSize');
    const input = validateInput(x, where, this.model.graph);
    const xs = input.x;
    try {
      const { targets } = await resolveTargets(this.model, xs, options.target, where);
      const rng = toRng(options.randomState);
      const n = xs.shape[0]!;
      const item = xs.shape.slice(1);
      const itemSize = xs.size / n;
      const totalRows = n * nSamples;
      // Unless the caller fixed the batch, chunks start at the default size and grow while they
      // run faster per row; the noise is drawn row by row in order, so sizes never change values.
      const chunks = batchSize === undefined ? throughputChunksFor(itemSize) : undefined;
      // Attributions per row: x's item size, or the layer's for a layer method (first chunk).
      let outShape: number[] | undefined;
      let sum = new Float64Array(0);
      let sumSq = new Float64Array(0);
      let noise = new Float32Array(0);
      for (let start = 0; start < totalRows; ) {
        const wanted = chunks?.next() ?? batchSize!;
        const count = Math.min(wanted, totalRows - start);
        if (noise.length < count * itemSize) noise = new Float32Array(count * itemSize);
        // Item-major rows (Captum's repeat_interleave): item 0's samples, then item 1's, ...
        const itemOfRow = new Int32Array(count);
        const rowTargets = new Int32Array(count);
        for (let r = 0; r < count; r++) {
          itemOfRow[r] = Math.floor((start + r) / nSamples);
          rowTargets[r] = targets[itemOfRow[r]!]!;
        }
        for (let k = 0; k < count * itemSize; k++) noise[k] = stdevs * rng.normal();
        const noisy = tf.tidy(() =>
          tf.add(
            tf.gather(xs, tf.tensor1d(itemOfRow, 'int32')),
            tf.tensor(noise.subarray(0, count * itemSize), [count, ...item]),
          ),
        );
        let attributions: tf.Tensor;
        const started = performance.now();
        try {
          attributions = await this.call(noisy, rowTargets, options.methodOptions);
        } finally {
          noisy.dispose();
        }
        if (count === wanted) chunks?.record(count, performance.now() - started);
        start += count;
        const rowShape = attributions.shape.slice(1);
        outShape ??= rowShape;
        const rowSize = outShape.reduce((a, b) => a * b, 1);
        if (
          attributions.shape[0] !== count ||
          rowShape.length !== outShape.length ||
          rowShape.some((d, i) => d !== outShape![i])
        ) {
          attributions.dispose();
          throw new InterpError(
            'SHAPE_MISMATCH',
            `${where}: the wrapped method must return one attribution per input value (or per layer unit) for each noisy row ([${count}, ${outShape.join(', ')}]), got [${rowShape.length === 0 ? '' : [attributions.shape[0], ...rowShape].join(', ')}]`,
          );
        }
        if (sum.length === 0) {
          sum = new Float64Array(n * rowSize);
          sumSq = new Float64Array(n * rowSize);
        }
        const data = await attributions.data();
        attributions.dispose();
        for (let r = 0; r < count; r++) {
          const base = itemOfRow[r]! * rowSize;
          for (let j = 0; j < rowSize; j++) {
            const v = data[r * rowSize + j]!;
            sum[base + j]! += v;
            sumSq[base + j]! += v * v;
          }
        }
      }
      const out = new Float32Array(sum.length);
      for (let k = 0; k < out.length; k++) {
        const mean = sum[k]! / nSamples;
        const meanSq = sumSq[k]! / nSamples;
        out[k] =
          ntType === 'smoothgrad'
            ? mean
            : ntType === 'smoothgrad_sq'
              ? meanSq
              : meanSq - mean * mean;
      }
      return tf.tensor(out, [n, ...outShape!]);
    } finally {
      if (input.owned) xs.dispose();
    }
  }

  /** Runs the wrapped method on one chunk; a `{ attributions, delta }` result gives its attributions. */
  private async call(
    noisy: tf.Tensor,
    target: Int32Array,
    methodOptions: Readonly<Record<string, unknown>> | undefined,
  ): Promise<tf.Tensor> {
    const method = this.method;
    const result: unknown =
      typeof method === 'function'
        ? await method(noisy, { target })
        : await method.attribute(noisy, { ...methodOptions, target } as never);
    if (result instanceof tf.Tensor) return result;
    const pair = result as { attributions?: unknown; delta?: unknown } | undefined;
    if (pair?.attributions instanceof tf.Tensor) {
      if (pair.delta instanceof tf.Tensor) pair.delta.dispose();
      return pair.attributions;
    }
    throw new InterpError(
      'INVALID_ARGUMENT',
      'NoiseTunnel.attribute: the wrapped method must return a tensor of attributions (or { attributions, delta })',
    );
  }
}
