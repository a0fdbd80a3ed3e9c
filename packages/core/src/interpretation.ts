import * as tf from '@tensorflow/tfjs-core';
import type { DataLoader, DecodedItem } from './data-loader.js';
import { InterpError } from './errors.js';
import { type Activation, getPreds } from './get-preds.js';
import type { Learner } from './learner.js';
import type { NDArray } from './nd-array.js';
import { type TopK, topK } from './top-k.js';
import {
  findTopLossesRenderer,
  type PlotTopLossesOptions,
  type TopLossesRenderer,
} from './top-losses-renderers.js';
import { assertInteger } from './validate.js';

/** What an interpretation holds, all on the CPU (read once from the model's outputs). */
export interface InterpretationData {
  /** Where the items come from (for showing them). */
  dl?: DataLoader;
  learn?: Learner;
  /** Model inputs, when kept (`[N, ...]`); otherwise items are decoded from `dl`. */
  inputs?: NDArray<Float32Array>;
  /** Activated predictions `[N, ...]` (probabilities for classifiers), when known. */
  preds?: NDArray<Float32Array | Float64Array>;
  /** Targets `[N, ...]`. */
  targs: NDArray;
  /** Decoded predictions `[N, ...]` (class indices for classifiers). */
  decoded: NDArray;
  /** One loss per item, when known. */
  losses?: Float32Array | (() => Float32Array);
  vocab?: readonly string[];
}

export interface FromLearnerOptions {
  /** 0 = train, 1 = valid (default 1). */
  dsIdx?: number;
  dl?: DataLoader;
  act?: Activation;
  /** Keep the inputs on the CPU instead of decoding items from the loader when shown. */
  withInput?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Base of every interpretation, as fastai's `Interpretation`: predictions, targets, decoded
 * predictions and per-item losses of a dataset, with `topLosses` and `plotTopLosses`.
 *
 * @example
 * ```ts
 * const interp = await Interpretation.fromLearner(learn);
 * const { losses, indices } = interp.topLosses(9);
 * ```
 */
export class Interpretation {
  /** Which renderers `plotTopLosses` looks up first (subclasses override). */
  readonly kind: string = 'base';
  readonly dl: DataLoader | undefined;
  readonly learn: Learner | undefined;
  readonly inputs: NDArray<Float32Array> | undefined;
  readonly preds: NDArray<Float32Array | Float64Array> | undefined;
  readonly targs: NDArray;
  readonly decoded: NDArray;
  private lossValues: Float32Array | undefined;
  private lossesFn: (() => Float32Array) | undefined;
  readonly vocab: readonly string[] | undefined;

  constructor(data: InterpretationData) {
    const n = data.targs.shape[0] ?? 0;
    if (data.decoded.shape[0] !== n) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `decoded has ${data.decoded.shape[0]} items but targs has ${n}`,
      );
    }
    if (data.preds && data.preds.shape[0] !== n) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `preds has ${data.preds.shape[0]} items but targs has ${n}`,
      );
    }
    if (data.losses && typeof data.losses !== 'function' && data.losses.length !== n) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `losses has ${data.losses.length} items but targs has ${n}`,
      );
    }
    this.dl = data.dl;
    this.learn = data.learn;
    this.inputs = data.inputs;
    this.preds = data.preds;
    this.targs = data.targs;
    this.decoded = data.decoded;
    if (typeof data.losses === 'function') this.lossesFn = data.losses;
    else this.lossValues = data.losses;
    this.vocab = data.vocab;
  }

  /** Number of items. */
  get length(): number {
    return this.targs.shape[0] ?? 0;
  }

  /**
   * One loss per item, when known. An interpretation may compute them on first use (for example
   * the cross-entropy of millions of predictions), so reading them costs nothing until needed.
   */
  get losses(): Float32Array | undefined {
    if (this.lossesFn) {
      const values = this.lossesFn();
      this.lossesFn = undefined;
      if (values.length !== this.length) {
        throw new InterpError(
          'SHAPE_MISMATCH',
          `losses has ${values.length} items but targs has ${this.length}`,
        );
      }
      this.lossValues = values;
    }
    return this.lossValues;
  }

  /**
   * Runs the learner over a dataset (validation by default) and builds the interpretation from
   * its predictions, targets, decoded predictions and per-item losses.
   */
  static async fromLearner<T extends Interpretation>(
    this: new (
      data: InterpretationData,
    ) => T,
    learn: Learner,
    options: FromLearnerOptions = {},
  ): Promise<T> {
    const { dsIdx = 1, act, withInput = false, onProgress } = options;
    const dl = options.dl ?? learn.dls.byIndex(dsIdx);
    const r = await getPreds(learn, {
      dl,
      act,
      withInput,
      withLoss: true,
      withDecoded: true,
      onProgress,
    });
    try {
      const read = async <A extends NDArray['data']>(t: tf.Tensor): Promise<NDArray<A>> => ({
        data: (await t.data()) as A,
        shape: [...t.shape],
      });
      return new this({
        dl,
        learn,
        preds: await read<Float32Array>(r.preds),
        targs: await read(r.targs),
        decoded: await read(r.decoded!),
        losses: (await r.losses!.data()) as Float32Array,
        inputs: r.inputs ? await read<Float32Array>(r.inputs) : undefined,
        vocab: learn.vocab ?? dl.vocab,
      });
    } finally {
      tf.dispose([r.preds, r.targs, r.decoded!, r.losses!, ...(r.inputs ? [r.inputs] : [])]);
    }
  }

  /**
   * The `k` largest (or smallest) per-item losses and their item indices, sorted; all items when
   * `k` is undefined. Ties go to the lower index first.
   */
  topLosses(
    k?: number,
    { largest = true }: { largest?: boolean } = {},
  ): { losses: Float32Array; indices: Int32Array } {
    if (!this.losses) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'this interpretation has no losses; build it with losses (fromLearner, or pass losses)',
      );
    }
    if (k !== undefined) {
      assertInteger(k, 'k', 0);
      if (k > this.losses.length) {
        throw new InterpError(
          'K_OUT_OF_RANGE',
          `k = ${k} is larger than the ${this.losses.length} items; pass k <= ${this.losses.length}`,
        );
      }
    }
    const r: TopK = topK(this.losses, k, { largest });
    return { losses: Float32Array.from(r.values), indices: r.indices };
  }

  /** Item `i` as something showable: from the kept inputs, or decoded by the loader. */
  async item(i: number): Promise<DecodedItem> {
    assertInteger(i, 'item index', 0, this.length - 1);
    if (this.inputs) {
      const shape = this.inputs.shape.slice(1);
      const size = shape.reduce((a, b) => a * b, 1);
      const data = this.inputs.data.slice(i * size, (i + 1) * size);
      if (shape.length === 2) return { kind: 'image', data, shape: [shape[0]!, shape[1]!, 1] };
      if (shape.length === 3)
        return { kind: 'image', data, shape: shape as [number, number, number] };
      return { kind: 'vector', data };
    }
    if (!this.dl) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        'no inputs and no data loader: pass { dl } or { inputs } to show items',
      );
    }
    return this.dl.decode(i);
  }

  /**
   * Draws the top-loss items (`k` of them, or the given item indices) with the renderer registered
   * for this interpretation's kind and the items' kind.
   */
  async plotTopLosses(
    k: number | ArrayLike<number>,
    options: PlotTopLossesOptions = {},
  ): Promise<Element> {
    const { largest = true } = options;
    let indices: Int32Array;
    if (typeof k === 'number') {
      indices = this.topLosses(k, { largest }).indices;
    } else {
      indices = Int32Array.from(k);
      for (const i of indices) assertInteger(i, 'item index', 0, this.length - 1);
    }
    if (indices.length === 0) throw new InterpError('EMPTY_INPUT', 'nothing to plot: k is 0');
    const items = await Promise.all(Array.from(indices, (i) => this.item(i)));
    const losses = Float32Array.from(indices, (i) => this.losses?.[i] ?? Number.NaN);
    const itemKind = items[0]!.kind;
    const renderer = this.rendererFor(itemKind);
    return (renderer as TopLossesRenderer)({
      interp: this as never,
      indices,
      losses,
      items,
      options,
    });
  }

  /** The renderer for an item kind; subclasses register theirs before looking up. */
  protected rendererFor(itemKind: string): TopLossesRenderer {
    const r = findTopLossesRenderer(this.kind, itemKind);
    if (!r) {
      throw new InterpError(
        'NOT_SUPPORTED',
        `no top-losses renderer for ${this.kind} items of kind '${itemKind}'; use a ClassificationInterpretation or SegmentationInterpretation, or registerTopLossesRenderer('${itemKind}', fn)`,
      );
    }
    return r;
  }
}

/** `interp.plotTopLosses(k, options)` as a function, as fastai's `plot_top_losses(interp, k)`. */
export function plotTopLosses(
  interp: Interpretation,
  k: number | ArrayLike<number>,
  options: PlotTopLossesOptions = {},
): Promise<Element> {
  return interp.plotTopLosses(k, options);
}
