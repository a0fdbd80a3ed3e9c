import { topK } from '@interp/core/base';
import { assertInteger, assertNumber, keyword } from '@interp/core/internal';

/** Orders in which the segmentation widget browses the images. */
export const SEGMENTATION_ORDERS = ['loss', 'index'] as const;

/** `loss`: largest per-item loss first (ties to the lower index); `index`: dataset order. */
export type SegmentationOrder = (typeof SEGMENTATION_ORDERS)[number];

/**
 * Item indices in browsing order: by loss, largest first (core's `topK`, as `topLosses` ranks:
 * ties to the lower index), or in dataset order (also when there are no losses).
 *
 * @example
 * ```ts
 * browsingSequence(3, [0.1, 0.9, 0.5], 'loss'); // Int32Array [1, 2, 0]
 * ```
 */
export function browsingSequence(
  n: number,
  losses: ArrayLike<number> | undefined,
  order: SegmentationOrder,
): Int32Array {
  if (order === 'loss' && losses) return topK(losses, undefined, { largest: true }).indices;
  return Int32Array.from({ length: n }, (_, i) => i);
}

/**
 * The segmentation widget's state without a DOM: the browsing order, the position in it and the
 * masks' opacity. Stepping wraps around at both ends.
 *
 * @example
 * ```ts
 * const state = new SegmentationState(4, losses, { order: 'loss', opacity: 0.5 });
 * state.next(); // the item with the second largest loss
 * ```
 */
export class SegmentationState {
  private orderValue: SegmentationOrder;
  private sequenceValue: Int32Array;
  private positionValue = 0;
  private opacityValue: number;

  constructor(
    private readonly n: number,
    private readonly losses: ArrayLike<number> | undefined,
    options: { order: SegmentationOrder; opacity: number },
  ) {
    assertInteger(n, 'number of images', 1);
    this.orderValue = keyword(options.order, 'order', SEGMENTATION_ORDERS);
    this.opacityValue = assertNumber(options.opacity, 'opacity', 0, 1);
    this.sequenceValue = browsingSequence(n, losses, this.orderValue);
  }

  get order(): SegmentationOrder {
    return this.orderValue;
  }

  /** Item indices in browsing order. */
  get sequence(): Int32Array {
    return this.sequenceValue;
  }

  /** Position in the browsing order of the image shown. */
  get position(): number {
    return this.positionValue;
  }

  /** The item index of the image shown. */
  get currentItem(): number {
    return this.sequenceValue[this.positionValue]!;
  }

  get opacity(): number {
    return this.opacityValue;
  }

  /** Changes the order and goes back to its first image. */
  setOrder(order: SegmentationOrder): SegmentationOrder {
    this.orderValue = keyword(order, 'order', SEGMENTATION_ORDERS);
    this.sequenceValue = browsingSequence(this.n, this.losses, this.orderValue);
    this.positionValue = 0;
    return this.orderValue;
  }

  /** Sets the masks' opacity, 0..1. */
  setOpacity(opacity: number): number {
    this.opacityValue = assertNumber(opacity, 'opacity', 0, 1);
    return this.opacityValue;
  }

  /** Moves to position `position` of the browsing order; returns the item index there. */
  goTo(position: number): number {
    this.positionValue = assertInteger(position, 'position', 0, this.n - 1);
    return this.currentItem;
  }

  /** Moves to item `index` (an item index of the dataset); returns it. */
  showItem(index: number): number {
    assertInteger(index, 'item index', 0, this.n - 1);
    return this.goTo(this.sequenceValue.indexOf(index));
  }

  /** The next image in browsing order, wrapping around; returns its item index. */
  next(): number {
    return this.goTo((this.positionValue + 1) % this.n);
  }

  /** The previous image in browsing order, wrapping around; returns its item index. */
  previous(): number {
    return this.goTo((this.positionValue - 1 + this.n) % this.n);
  }
}
