import {
  arrayDataLoader,
  DataLoaders,
  InterpError,
  learnerFromFunction,
  setupBackend,
} from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { SegmentationInterpretation } from './segmentation-interpretation.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

describe('SegmentationInterpretation.fromLearner(learn, options)', () => {
  // A hand-set "model" on 2 x 2 single-channel images: each pixel's logits are [v, -v].
  // Per pixel, CE = ln(1 + e^(-2v)) for target 0 and ln(1 + e^(2v)) for target 1; the argmax is
  // class 0 for v >= 0 (the tie at 0 goes to class 0) and class 1 for v < 0.
  const images = Float32Array.from([0, 1, -1, 0.5, 2, -2, 0, 0, -0.5, 0.25, 1, -1]);
  const masks = Int32Array.from([0, 0, 1, 1, 0, 1, 1, 255, 1, 0, 255, 255]);
  const softplus = (z: number) => Math.log1p(Math.exp(z));
  const ce = (v: number, t: number) => (t === 0 ? softplus(-2 * v) : softplus(2 * v));
  const learner = (shuffle = false) => {
    const dl = arrayDataLoader(
      { data: images, shape: [3, 2, 2, 1] },
      { data: masks, shape: [3, 2, 2] },
      { batchSize: 2, shuffle, seed: 3 },
    );
    return learnerFromFunction((x) => tf.concat([x, tf.neg(x)], -1), {
      dls: new DataLoaders(dl, dl),
      vocab: ['background', 'digit'],
    });
  };

  it('per-item loss = mean of the per-pixel cross-entropies; labels, matrix and order as the items', async () => {
    for (const shuffle of [false, true]) {
      const interp = await SegmentationInterpretation.fromLearner(learner(shuffle), {
        ignoreIndex: 255,
      });
      expect(interp).toBeInstanceOf(SegmentationInterpretation);
      // Item 0: v = [0, 1, -1, 0.5], t = [0, 0, 1, 1].
      const l0 = (Math.LN2 + ce(1, 0) + ce(-1, 1) + ce(0.5, 1)) / 4;
      // Item 1: v = [2, -2, 0, 0], t = [0, 1, 1, 255]: crossEntropyPerItem gives the ignored
      // pixel (a one-hot of 255 is all zeros) loss 0, and it still counts in the mean.
      const l1 = (ce(2, 0) + ce(-2, 1) + Math.LN2 + 0) / 4;
      const l2 = (ce(-0.5, 1) + ce(0.25, 0)) / 4;
      expect(interp.losses![0]).toBeCloseTo(l0, 5);
      expect(interp.losses![1]).toBeCloseTo(l1, 5);
      expect(interp.losses![2]).toBeCloseTo(l2, 5);
      expect(Array.from(interp.decoded.data)).toEqual([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
      expect(Array.from(interp.targs.data)).toEqual(Array.from(masks));
      // Counted: (0,0) x4, (1,1) x3, (1,0) x2 [item 0 pixel 3, item 1 pixel 2].
      expect(interp.confusionMatrix()).toEqual([
        [4, 0],
        [2, 3],
      ]);
      // IoU: class 0 4 / (4 + 6 - 4), class 1 3 / (5 + 3 - 3).
      expect(interp.meanIoU()).toBeCloseTo((4 / 6 + 3 / 5) / 2, 12);
      expect(interp.classNames).toEqual(['background', 'digit']);
      expect(interp.preds).toBeUndefined();
      expect(interp.inputs).toBeUndefined();
    }
  });

  it('keeps softmax predictions and inputs on request', async () => {
    const interp = await SegmentationInterpretation.fromLearner(learner(), {
      withPreds: true,
      withInput: true,
      ignoreIndex: 255,
    });
    expect(interp.preds!.shape).toEqual([3, 2, 2, 2]);
    // Pixel 1 of item 0: v = 1, softmax([1, -1]) = [1 / (1 + e^-2), ...].
    expect(interp.preds!.data[2]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(interp.inputs!.shape).toEqual([3, 2, 2, 1]);
    expect(Array.from(interp.inputs!.data)).toEqual(Array.from(images));
  });

  it('rejects targets outside the classes (naming item and pixel) and a vocab of the wrong length', async () => {
    await expect(SegmentationInterpretation.fromLearner(learner())).rejects.toThrow(
      /targs of item 1 at \(row 1, column 1\) is 255, not a class index in 0\.\.1/,
    );
    const dl = arrayDataLoader(
      { data: images, shape: [3, 2, 2, 1] },
      { data: masks, shape: [3, 2, 2] },
    );
    const wrongVocab = learnerFromFunction((x) => tf.concat([x, tf.neg(x)], -1), {
      dls: new DataLoaders(dl, dl),
      vocab: ['a', 'b', 'c'],
    });
    await expect(
      SegmentationInterpretation.fromLearner(wrongVocab, { ignoreIndex: 255 }),
    ).rejects.toThrow(/vocab has 3 names but there are 2 classes/);
    await expect(
      SegmentationInterpretation.fromLearner(learner(), { ignoreIndex: 0.5 }),
    ).rejects.toThrow(InterpError);
  });

  it('leaks no tensors, also when it fails', async () => {
    await expectNoLeakedTensors(async () => {
      const interp = await SegmentationInterpretation.fromLearner(learner(true), {
        ignoreIndex: 255,
        withPreds: true,
        withInput: true,
      });
      interp.confusionMatrix();
    });
    await expectNoLeakedTensors(async () => {
      await SegmentationInterpretation.fromLearner(learner()).catch(() => undefined);
    });
  });
});
