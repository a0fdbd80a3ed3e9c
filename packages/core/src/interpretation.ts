// Tensor-free: fromLearner loads the tfjs part (learner-predictions.ts) by a dynamic import, so
// `@interp/core/base` can export Interpretation to code that never touches tfjs.
import type { DataLoader, DecodedItem } from './data-loader.js';
import { InterpError } from './errors.js';
import type { FromLearnerOptions, InterpretationData } from './interpretation-data.js';
import type { Learner } from './learner.js';
import type { NDArray } from './nd-array.js';
import { type TopK, topK } from './top-k.js';
import type { PlotTopLossesOptions, TopLossesSelection } from './top-losses-selection.js';
import { assertInteger } from './validate.js';

/**
 * Base of every interpretation, as fastai's `Interpretation`: predictions, targets, decoded
 * predictions and per-item losses of a dataset, with `topLosses` and `plotTopLosses`. Task
 * interpretations draw top losses by overriding the protected `renderTopLosses`.
 *
 * @example
 * ```ts
 * const interp = await Interpretation.fromLearner(learn);
 * const { losses, indices } = interp.topLosses(9);
 * ```
 */
export class Interpretation {
  readonly dl: DataLoader | undefined;
  readonly learn: Learner | undefined;
  readonly inputs: NDArray<Float32Array> | undefined;
  readonly preds: NDArray<Float32Array | Float64Array> | undefined;
  readonly targs: NDArray;
  readonly decoded: NDArray;
  private lossValues: Float32Array | undefined;
  private lossesFn: (() => Float32Array) | undefined;
  readonly vocab: readonly string[] | undefined;

  // `positional` only catches the seed's `Interpretation(dl, inputs, preds, targs, decoded, losses)`
  // at run time (never[] also makes TypeScript reject it), to say what to write instead.
  constructor(data: InterpretationData, ...positional: never[]) {
    if (positional.length > 0 || !isInterpretationData(data)) {
      throw new InterpError(
        'INVALID_ARGUMENT',
        `${new.target?.name ?? 'Interpretation'} takes one options object, not the seed's positional (dl, inputs, preds, targs, decoded, losses): ` +
          'write new Interpretation({ dl, inputs, preds, targs, decoded, losses }) with preds, targs and decoded as { data, shape } arrays (targs and decoded required), or use Interpretation.fromLearner(learn)',
      );
    }
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
    const { learnerPredictions } = await import('./learner-predictions.js');
    return new this(await learnerPredictions(learn, options));
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
   * The top-loss items (`k` of them, or the given item indices) with their losses, and the items
   * themselves when they can be shown: what every `plotTopLosses` draws.
   */
  protected async selectTopLosses(
    k: number | ArrayLike<number>,
    { largest = true }: { largest?: boolean } = {},
  ): Promise<TopLossesSelection> {
    let indices: Int32Array;
    if (typeof k === 'number') {
      indices = this.topLosses(k, { largest }).indices;
    } else {
      indices = Int32Array.from(k);
      for (const i of indices) assertInteger(i, 'item index', 0, this.length - 1);
    }
    if (indices.length === 0) throw new InterpError('EMPTY_INPUT', 'nothing to plot: k is 0');
    const losses = Float32Array.from(indices, (i) => this.losses?.[i] ?? Number.NaN);
    const items =
      this.inputs || this.dl
        ? await Promise.all(Array.from(indices, (i) => this.item(i)))
        : undefined;
    return { indices, losses, items };
  }

  /**
   * Draws the top-loss items (`k` of them, or the given item indices), as fastai's
   * `plot_top_losses`, with this interpretation's `renderTopLosses`.
   */
  async plotTopLosses(
    k: number | ArrayLike<number>,
    options: PlotTopLossesOptions = {},
  ): Promise<Element> {
    return this.renderTopLosses(await this.selectTopLosses(k, options), options);
  }

  /**
   * How this interpretation draws its top losses; task interpretations override it (the base
   * does not know what its items and targets look like).
   */
  protected renderTopLosses(
    selection: TopLossesSelection,
    _options: PlotTopLossesOptions,
  ): Element | Promise<Element> {
    throw new InterpError(
      'NOT_SUPPORTED',
      `${this.constructor.name} cannot draw top losses; ${taskHint(selection, this.targs)}, or override renderTopLosses in a subclass`,
    );
  }
}

function isNDArray(a: unknown): boolean {
  const v = a as NDArray | undefined;
  return (
    typeof v === 'object' && v !== null && Array.isArray(v.shape) && typeof v.data === 'object'
  );
}

function isInterpretationData(data: unknown): data is InterpretationData {
  const d = data as InterpretationData | undefined;
  return typeof d === 'object' && d !== null && isNDArray(d.targs) && isNDArray(d.decoded);
}

/** Which task interpretation draws these items: per-pixel targets are segmentation masks. */
function taskHint(selection: TopLossesSelection, targs: NDArray): string {
  const kind = selection.items?.[0]?.kind;
  if (kind === 'image' && targs.shape.length >= 3) {
    return 'these are images with per-pixel targets: build a SegmentationInterpretation (from @interp/segmentation) with SegmentationInterpretation.fromLearner(learn)';
  }
  if (kind === 'image' || targs.shape.length <= 2) {
    return `these are ${kind === 'image' ? 'images' : 'items'} with class targets: build a ClassificationInterpretation (from @interp/classification) with ClassificationInterpretation.fromLearner(learn)`;
  }
  return 'use a task interpretation (ClassificationInterpretation from @interp/classification, SegmentationInterpretation from @interp/segmentation)';
}

/**
 * `interp.plotTopLosses(k, options)` as a function, as fastai's `plot_top_losses(interp, k)`.
 *
 * @example
 * ```ts
 * const svg = await plotTopLosses(interp, 9, { document });
 * ```
 */
export function plotTopLosses(
  interp: Interpretation,
  k: number | ArrayLike<number>,
  options: PlotTopLossesOptions = {},
): Promise<Element> {
  return interp.plotTopLosses(k, options);
}
