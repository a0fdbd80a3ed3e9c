// No DOM here: the segmentation widget's state and geometry are plain data.
import { InterpError } from '@interp/core/base';
import { describe, expect, it } from 'vitest';
import { maskGeometry } from './mask-geometry.js';
import { itemScores } from './segmentation-scores.js';
import { browsingSequence, SegmentationState } from './segmentation-state.js';

describe('browsingSequence(n, losses, order)', () => {
  it('orders by loss, largest first, ties to the lower index; else dataset order', () => {
    expect(Array.from(browsingSequence(4, [0.2, 0.9, 0.2, 0.5], 'loss'))).toEqual([1, 3, 0, 2]);
    expect(Array.from(browsingSequence(4, [0.2, 0.9, 0.2, 0.5], 'index'))).toEqual([0, 1, 2, 3]);
    expect(Array.from(browsingSequence(3, undefined, 'loss'))).toEqual([0, 1, 2]);
  });
});

describe('SegmentationState', () => {
  const losses = [0.2, 0.9, 0.5];

  it('starts on the largest loss and steps through the order, wrapping at both ends', () => {
    const s = new SegmentationState(3, losses, { order: 'loss', opacity: 0.5 });
    expect(Array.from(s.sequence)).toEqual([1, 2, 0]);
    expect(s.currentItem).toBe(1);
    expect(s.next()).toBe(2);
    expect(s.next()).toBe(0);
    expect(s.next()).toBe(1); // wraps
    expect(s.previous()).toBe(0); // wraps back
    expect(s.position).toBe(2);
  });

  it('setOrder(order) restarts from the first image; showItem(index) finds an item', () => {
    const s = new SegmentationState(3, losses, { order: 'loss', opacity: 0.5 });
    s.next();
    expect(s.setOrder('index')).toBe('index');
    expect(s.position).toBe(0);
    expect(s.currentItem).toBe(0);
    expect(s.showItem(2)).toBe(2);
    expect(s.position).toBe(2);
    s.setOrder('loss');
    expect(s.showItem(2)).toBe(2);
    expect(s.position).toBe(1);
  });

  it('keeps the opacity in 0..1', () => {
    const s = new SegmentationState(3, losses, { order: 'loss', opacity: 0.5 });
    expect(s.setOpacity(0.25)).toBe(0.25);
    expect(() => s.setOpacity(1.5)).toThrow(/opacity/);
    expect(s.opacity).toBe(0.25);
  });

  it('rejects an unknown order, items out of range and no images with InterpErrors', () => {
    const s = new SegmentationState(3, losses, { order: 'loss', opacity: 0.5 });
    expect(() => s.setOrder('random' as never)).toThrow(
      "invalid order: \"random\"; expected one of 'loss', 'index'",
    );
    expect(() => s.showItem(3)).toThrow(InterpError);
    expect(() => new SegmentationState(0, undefined, { order: 'loss', opacity: 0 })).toThrow(
      /number of images/,
    );
  });
});

describe('maskGeometry(items) and itemScores(items, geometry, index)', () => {
  // One 2x3 image, 3 classes; pixel confusion matrix (rows target) [[1, 1, 0], [0, 2, 0], [1, 0, 1]]:
  // IoU 1/3, 2/3, 1/2; mean 1/2; pixel accuracy 4/6.
  const masks = {
    targs: { data: Int32Array.from([0, 0, 1, 1, 2, 2]), shape: [1, 2, 3] },
    decoded: { data: Int32Array.from([0, 1, 1, 1, 2, 0]), shape: [1, 2, 3] },
  };

  it('reads N, H, W and the classes (largest label + 1 without a vocab)', () => {
    expect(maskGeometry(masks)).toEqual({
      n: 1,
      height: 2,
      width: 3,
      pixels: 6,
      numClasses: 3,
      ignoreIndex: undefined,
    });
    expect(maskGeometry({ ...masks, vocab: ['a', 'b', 'c', 'd'] }).numClasses).toBe(4);
  });

  it('scores one image against hand-worked IoU', () => {
    const r = itemScores(masks, maskGeometry(masks), 0);
    expect(Array.from(r.iou)).toEqual([1 / 3, 2 / 3, 1 / 2].map((v) => expect.closeTo(v, 12)));
    expect(r.meanIoU).toBeCloseTo(0.5, 12);
    expect(r.pixelAccuracy).toBeCloseTo(4 / 6, 12);
  });

  it('rejects masks that are not [N, H, W] with an InterpError naming both shapes', () => {
    expect(() =>
      maskGeometry({ ...masks, decoded: { data: Int32Array.from([0]), shape: [1] } }),
    ).toThrow(/targs is \[1, 2, 3\] and decoded is \[1\]/);
  });
});
