// Internal: what the streaming SegmentationInterpretation.fromLearner fills, batch by batch.
import {
  classNames,
  InterpError,
  isInterpError,
  type NDArray,
  type TypedArray,
} from '@interp/core/base';
import { assertInteger } from '@interp/core/internal';
import { checkLabels, type LabelArray, labelArray } from './mask-arrays.js';
import type { ConfusionCounts } from './metrics/confusion-counts.js';
import { MAX_CLASSES } from './metrics/confusion-counts.js';
import { createConfusionCounts } from './metrics/create-confusion-counts.js';
import { pixelConfusionMatrix } from './metrics/pixel-confusion-matrix.js';

/** A batch's data as tfjs reads it. */
export type BatchData = Float32Array | Int32Array | Uint8Array;

/** What {@link PixelStreamStore.create} needs: the dataset's size and the first batch's shapes. */
export interface PixelStreamStoreOptions {
  /** Items in the dataset. */
  length: number;
  /** The first batch's target shape `[B, H, W]`. */
  targetShape: readonly number[];
  /** The first batch's input shape `[B, ...item]`. */
  inputShape: readonly number[];
  /** Classes (the model's output channels). */
  numClasses: number;
  /** Class names (the learner's or the loader's), one per class. */
  vocab?: readonly string[] | undefined;
  /** Target label counted nowhere. */
  ignoreIndex?: number | undefined;
  /** Keep the inputs (to draw top losses without the loader). */
  withInput?: boolean;
  /** Keep the activated scores N x H x W x C. */
  withPreds?: boolean;
}

/** One batch, as read from tfjs: item indices, targets, decoded labels, losses and optional x / scores. */
export interface PixelBatch {
  indices: Int32Array;
  targs: BatchData;
  decoded: BatchData;
  losses: BatchData;
  inputs?: BatchData | undefined;
  preds?: BatchData | undefined;
}

/** What the store hands to the interpretation's constructor. */
export interface PixelStreamData {
  targs: NDArray;
  decoded: NDArray;
  losses: Float32Array;
  inputs: NDArray<Float32Array> | undefined;
  preds: NDArray<Float32Array> | undefined;
  vocab: readonly string[] | undefined;
  ignoreIndex: number | undefined;
  numClasses: number;
  confusionMatrix: ConfusionCounts;
}

/**
 * Label masks, losses and a running pixel confusion matrix for N items, filled batch by batch in
 * any item order (a loader may shuffle): N x H x W bytes for up to 256 classes, never the scores
 * unless asked.
 */
export class PixelStreamStore {
  private constructor(
    private readonly o: Required<Omit<PixelStreamStoreOptions, 'vocab' | 'ignoreIndex'>> &
      Pick<PixelStreamStoreOptions, 'vocab' | 'ignoreIndex'>,
    private readonly h: number,
    private readonly w: number,
    private readonly targs: LabelArray,
    private readonly decoded: LabelArray,
    private readonly losses: Float32Array,
    private readonly inputs: NDArray<Float32Array> | undefined,
    private readonly preds: NDArray<Float32Array> | undefined,
    private readonly counts: ConfusionCounts,
  ) {}

  static create(options: PixelStreamStoreOptions): PixelStreamStore {
    const o = { withInput: false, withPreds: false, ...options };
    const { length: n, numClasses: c, ignoreIndex } = o;
    const [, h, w] = o.targetShape as [number, number, number];
    assertInteger(c, 'the number of classes (model output channels)', 1, MAX_CLASSES);
    if (o.vocab !== undefined) classNames(o.vocab, c);
    const lo = ignoreIndex !== undefined && ignoreIndex < 0 ? ignoreIndex : 0;
    const hi = Math.max(c - 1, ignoreIndex ?? 0);
    const itemShape = o.inputShape.slice(1);
    const itemSize = itemShape.reduce((a, b) => a * b, 1);
    return new PixelStreamStore(
      o,
      h,
      w,
      labelArray(n * h * w, hi, lo),
      labelArray(n * h * w, c - 1),
      new Float32Array(n),
      o.withInput ? { data: new Float32Array(n * itemSize), shape: [n, ...itemShape] } : undefined,
      o.withPreds ? { data: new Float32Array(n * h * w * c), shape: [n, h, w, c] } : undefined,
      createConfusionCounts(c),
    );
  }

  /** Checks and counts one batch, then copies it to its items' places. */
  add({ indices, targs: y, decoded: d, losses: l, inputs: x, preds: p }: PixelBatch): void {
    const hw = this.h * this.w;
    const c = this.o.numClasses;
    const ignoreIndex = this.o.ignoreIndex;
    if (y.length !== indices.length * hw) {
      throw new InterpError(
        'SHAPE_MISMATCH',
        `a batch has targets of ${y.length / indices.length} pixels per item, expected ${this.h} x ${this.w} as in the first batch`,
      );
    }
    try {
      pixelConfusionMatrix(y, d, c, { ignoreIndex, into: this.counts });
    } catch (e) {
      if (isInterpError(e) && e.code === 'LABEL_OUT_OF_RANGE') {
        // Say which item and pixel instead of an offset into the batch.
        indices.forEach((item, r) => {
          const at = (a: BatchData) => a.subarray(r * hw, (r + 1) * hw);
          checkLabels(at(y), 'targs', this.h, this.w, c, ignoreIndex, item * hw);
          checkLabels(at(d), 'decoded', this.h, this.w, c, undefined, item * hw);
        });
      }
      throw e;
    }
    const put = (dst: TypedArray, src: BatchData, size: number) => {
      indices.forEach((item, r) => {
        dst.set(src.subarray(r * size, (r + 1) * size), item * size);
      });
    };
    put(this.targs, y, hw);
    put(this.decoded, d, hw);
    put(this.losses, l, 1);
    if (this.inputs && x) put(this.inputs.data, x, x.length / indices.length);
    if (this.preds && p) put(this.preds.data, p, hw * c);
  }

  /** The filled arrays and the counted matrix (not copies). */
  data(): PixelStreamData {
    const shape = [this.o.length, this.h, this.w];
    return {
      targs: { data: this.targs, shape },
      decoded: { data: this.decoded, shape },
      losses: this.losses,
      inputs: this.inputs,
      preds: this.preds,
      vocab: this.o.vocab,
      ignoreIndex: this.o.ignoreIndex,
      numClasses: this.o.numClasses,
      confusionMatrix: this.counts,
    };
  }
}
