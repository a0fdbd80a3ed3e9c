import { describe, expect, it } from 'vitest';
import { IGNORE, MATRIX, NUM_CLASSES, PREDS, TARGS } from '../test-masks.js';
import { confusionCountsToArray } from './confusion-counts-to-array.js';
import { createConfusionCounts } from './create-confusion-counts.js';
import { pixelConfusionMatrix } from './pixel-confusion-matrix.js';

describe('pixelConfusionMatrix(targs, preds, numClasses, options)', () => {
  it('counts the hand-worked masks, rows = target, ignore index counting nowhere', () => {
    const cm = pixelConfusionMatrix(new Uint8Array(TARGS), new Uint8Array(PREDS), NUM_CLASSES, {
      ignoreIndex: IGNORE,
    });
    expect(cm.numClasses).toBe(4);
    expect(confusionCountsToArray(cm)).toEqual(MATRIX);
  });

  it('accepts any label array type (Int32Array, Uint16Array, number[])', () => {
    for (const T of [Int32Array, Uint16Array, Float32Array, Array.from] as const) {
      const make = (a: number[]) =>
        T === Array.from ? Array.from(a) : new (T as Int32ArrayConstructor)(a);
      const cm = pixelConfusionMatrix(make(TARGS), make(PREDS), 4, { ignoreIndex: 255 });
      expect(confusionCountsToArray(cm)).toEqual(MATRIX);
    }
  });

  it('streamed in slices with into equals the one-shot result', () => {
    const into = createConfusionCounts(4);
    for (const [a, b] of [
      [0, 5],
      [5, 6],
      [6, 12],
    ] as const) {
      const r = pixelConfusionMatrix(TARGS.slice(a, b), PREDS.slice(a, b), 4, {
        ignoreIndex: 255,
        into,
      });
      expect(r).toBe(into);
    }
    expect(confusionCountsToArray(into)).toEqual(MATRIX);
  });

  it('has the expected defaults: no ignore index, a new matrix', () => {
    expect(() => pixelConfusionMatrix([0, 255], [0, 0], 2)).toThrow(/targs\[1\] = 255/);
    const a = pixelConfusionMatrix([0, 1], [1, 1], 2);
    const b = pixelConfusionMatrix([0, 1], [1, 1], 2);
    expect(a).not.toBe(b);
    expect(confusionCountsToArray(a)).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it('empty inputs give a zero matrix', () => {
    expect(confusionCountsToArray(pixelConfusionMatrix([], [], 2))).toEqual([
      [0, 0],
      [0, 0],
    ]);
  });

  it('rejects labels out of range, naming the array, index and value, and leaves into unchanged', () => {
    const into = createConfusionCounts(4);
    pixelConfusionMatrix([1], [1], 4, { into });
    const bad = [...TARGS];
    bad[5] = 7;
    expect(() => pixelConfusionMatrix(bad, PREDS, 4, { ignoreIndex: 255, into })).toThrowError(
      expect.objectContaining({
        name: 'InterpError',
        code: 'LABEL_OUT_OF_RANGE',
        message: expect.stringMatching(
          /^targs\[5\] = 7 is not a class index in 0\.\.3 nor the ignore index 255/,
        ),
      }),
    );
    expect(confusionCountsToArray(into)[1]).toEqual([0, 1, 0, 0]);
    expect(() => pixelConfusionMatrix([0, 1], [0, -1], 4)).toThrow(
      /preds\[1\] = -1 is not a class index/,
    );
    expect(() => pixelConfusionMatrix([0.5], [0], 4)).toThrow(/targs\[0\] = 0.5/);
    expect(() => pixelConfusionMatrix([Number.NaN], [0], 4)).toThrow(/targs\[0\] = NaN/);
  });

  it('rejects mismatched lengths, bad numClasses, bad into and non-arrays', () => {
    expect(() => pixelConfusionMatrix([0, 1], [0], 2)).toThrowError(
      expect.objectContaining({
        code: 'SHAPE_MISMATCH',
        message: expect.stringMatching(/targs has 2 pixels but preds has 1/),
      }),
    );
    expect(() => pixelConfusionMatrix([0], [0], 0)).toThrow(
      /numClasses must be in \[1, 4096\], got 0/,
    );
    expect(() => pixelConfusionMatrix([0], [0], 2.5)).toThrow(/numClasses must be an integer/);
    expect(() => pixelConfusionMatrix([0], [0], 2, { ignoreIndex: 0.5 })).toThrow(
      /ignoreIndex must be an integer/,
    );
    expect(() => pixelConfusionMatrix([0], [0], 2, { into: createConfusionCounts(3) })).toThrow(
      /into must be a ConfusionCounts with numClasses 2, got numClasses 3/,
    );
    expect(() => pixelConfusionMatrix('01' as never, [0, 1], 2)).toThrow(
      /targs must be an array or typed array/,
    );
    expect(() => pixelConfusionMatrix(new BigInt64Array(1) as never, [0], 2)).toThrow(
      /convert 64-bit labels/,
    );
  });
});
