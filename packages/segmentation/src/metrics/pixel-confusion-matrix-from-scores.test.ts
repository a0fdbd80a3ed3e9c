import { describe, expect, it } from 'vitest';
import {
  IGNORE,
  MATRIX,
  NUM_CLASSES,
  PREDS,
  randomCase,
  referenceConfusion,
  scoresFor,
  TARGS,
} from '../test-masks.js';
import { confusionCountsToArray } from './confusion-counts-to-array.js';
import {
  countScoresJs,
  countScoresWasm,
  kernelMemory,
  kernelSupports,
  loadKernel,
  sliceSizeFor,
} from './confusion-kernel.js';
import { createConfusionCounts } from './create-confusion-counts.js';
import { pixelConfusionMatrixFromScores } from './pixel-confusion-matrix-from-scores.js';

const paths = {
  wasm: countScoresWasm,
  js: (
    s: Float32Array | Float64Array,
    c: number,
    t: ArrayLike<number>,
    ig: number | undefined,
    out: Float64Array,
  ) => countScoresJs(s, c, t, ig, out),
};

describe('pixelConfusionMatrixFromScores(scores, numClasses, targs, options)', () => {
  it('runs the WASM SIMD kernel here (Node has SIMD)', () => {
    expect(loadKernel()).not.toBeNull();
    expect(kernelSupports(new Float32Array(0), 4)).toBe(true);
    expect(kernelSupports(new Float32Array(0), 3)).toBe(false);
    expect(kernelSupports(new Float64Array(0), 2)).toBe(true);
  });

  it('counts the hand-worked masks from scores, ties to the lower class (float32 and float64)', () => {
    const scores = scoresFor(PREDS, NUM_CLASSES);
    for (const s of [scores, Float64Array.from(scores)]) {
      const cm = pixelConfusionMatrixFromScores(s, NUM_CLASSES, new Uint8Array(TARGS), {
        ignoreIndex: IGNORE,
      });
      expect(confusionCountsToArray(cm)).toEqual(MATRIX);
    }
  });

  it('a pixel whose scores tie everywhere is predicted as class 0; -0 and +0 tie', () => {
    const cm = pixelConfusionMatrixFromScores(
      new Float32Array([1, 1, 1, 1, -0, 0, 0, 0]),
      4,
      [2, 3],
    );
    expect(confusionCountsToArray(cm)).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
      [1, 0, 0, 0],
      [1, 0, 0, 0],
    ]);
  });

  it('handles infinities like any other score', () => {
    const s = new Float32Array([
      -Infinity,
      -Infinity,
      -Infinity,
      -Infinity,
      -Infinity,
      0,
      Infinity,
      Infinity,
    ]);
    expect(confusionCountsToArray(pixelConfusionMatrixFromScores(s, 4, [0, 1]))).toEqual([
      [1, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  for (const [name, count] of Object.entries(paths)) {
    it(`${name} path agrees with the reference for many class counts, dtypes, target types and slices`, () => {
      for (const c of [2, 3, 4, 5, 7, 8, 9, 11, 16, 17, 33, 63, 64, 65, 70]) {
        const { scores, targs } = randomCase(301, c, c * 7 + 1);
        const expected = referenceConfusion(scores, c, targs, 255);
        const f32 = Float32Array.from(scores);
        for (const s of [f32, scores]) {
          if (name === 'wasm' && !kernelSupports(s, c)) continue;
          for (const t of [
            targs,
            Uint8Array.from(targs),
            Uint32Array.from(targs),
            Float64Array.from(targs),
            Array.from(targs),
          ]) {
            for (const slice of [undefined, 1, 64]) {
              const out = new Float64Array(c * c);
              if (name === 'wasm') countScoresWasm(s, c, t, 255, out, slice);
              else count(s, c, t, 255, out);
              expect(
                Array.from(out),
                `C=${c} ${s.constructor.name} ${t.constructor.name} slice ${slice}`,
              ).toEqual(Array.from(expected));
            }
          }
        }
      }
    });

    it(`${name} path names the first NaN pixel or bad label and leaves the counts unchanged`, () => {
      for (const s of [new Float32Array(5 * 4).fill(0.5), new Float64Array(5 * 4).fill(0.5)]) {
        s[3 * 4 + 2] = Number.NaN;
        const out = new Float64Array(16);
        expect(() => count(s, 4, [0, 1, 2, 3, 0], undefined, out)).toThrowError(
          expect.objectContaining({
            code: 'NON_FINITE',
            message: expect.stringMatching(/^scores of pixel 3 contain NaN \(class 2\)/),
          }),
        );
        expect(() => count(s, 4, [0, 9, 2, 3, 0], undefined, out)).toThrowError(
          expect.objectContaining({
            code: 'LABEL_OUT_OF_RANGE',
            message: expect.stringMatching(/^targs\[1\] = 9 is not a class index in 0\.\.3/),
          }),
        );
        expect(Array.from(out)).toEqual(new Array(16).fill(0));
      }
    });
  }

  it('streamed by items with into equals the one-shot result', () => {
    const c = 11;
    const { scores, targs } = randomCase(6 * 50, c, 42);
    const f32 = Float32Array.from(scores);
    const oneShot = pixelConfusionMatrixFromScores(f32, c, targs, { ignoreIndex: 255 });
    const into = createConfusionCounts(c);
    for (let item = 0; item < 6; item++) {
      const px = [item * 50, (item + 1) * 50] as const;
      const r = pixelConfusionMatrixFromScores(
        f32.subarray(px[0] * c, px[1] * c),
        c,
        targs.subarray(px[0], px[1]),
        {
          ignoreIndex: 255,
          into,
        },
      );
      expect(r).toBe(into);
    }
    expect(Array.from(into.counts)).toEqual(Array.from(oneShot.counts));
    expect(Array.from(oneShot.counts)).toEqual(
      Array.from(referenceConfusion(scores, c, targs, 255)),
    );
  });

  it('an ignore index outside the label type, or negative, works on every target type', () => {
    const s = scoresFor([0, 1, 2, 3], 4);
    for (const t of [
      new Int8Array([0, -1, 2, -1]),
      new Int32Array([0, -1, 2, -1]),
      [0, -1, 2, -1],
    ]) {
      const cm = pixelConfusionMatrixFromScores(s, 4, t, { ignoreIndex: -1 });
      expect(cm.counts[0]! + cm.counts[2 * 4 + 2]!).toBe(2);
    }
    // uint32 4294967295 wraps to -1 in int32: it must still be rejected, not ignored as -1
    expect(() =>
      pixelConfusionMatrixFromScores(s, 4, new Uint32Array([0, 4294967295, 2, 3]), {
        ignoreIndex: -1,
      }),
    ).toThrow(/targs\[1\] = 4294967295 is not a class index in 0\.\.3 nor the ignore index -1/);
    expect(() =>
      pixelConfusionMatrixFromScores(s, 4, new Uint8Array([0, 255, 2, 3]), {
        ignoreIndex: 2 ** 40,
      }),
    ).toThrow(/targs\[1\] = 255/);
  });

  it('has the expected defaults: no ignore index, 4 MiB of kernel scratch per pass', () => {
    expect(sliceSizeFor(11, 4)).toBe(Math.floor((4 * 1024 * 1024) / (11 * 4 + 4)));
    expect(sliceSizeFor(11, 8)).toBe(Math.floor((4 * 1024 * 1024) / (11 * 8 + 4)));
    expect(sliceSizeFor(11, 4, 10)).toBe(10);
    expect(sliceSizeFor(11, 4, 2 ** 40)).toBe(Math.floor(2 ** 30 / 48));
    expect(() => pixelConfusionMatrixFromScores(scoresFor([0, 1], 4), 4, [0, 255])).toThrow(
      /targs\[1\] = 255/,
    );
  });

  it('rejects bad input with a message saying what to fix', () => {
    const s = scoresFor([0, 1], 4);
    expect(() => pixelConfusionMatrixFromScores([0.1, 0.9] as never, 2, [1])).toThrowError(
      expect.objectContaining({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/scores must be a Float32Array or Float64Array/),
      }),
    );
    expect(() => pixelConfusionMatrixFromScores(s, 3, [0, 1])).toThrowError(
      expect.objectContaining({
        code: 'SHAPE_MISMATCH',
        message: expect.stringMatching(/scores has 8 values, not a multiple of numClasses 3/),
      }),
    );
    expect(() => pixelConfusionMatrixFromScores(s, 4, [0, 1, 2])).toThrow(
      /targs has 3 pixels but scores have 2/,
    );
    expect(() => pixelConfusionMatrixFromScores(s, 4, [0, 1], { sliceSize: 0 })).toThrow(
      /sliceSize must be >= 1, got 0/,
    );
    expect(() =>
      pixelConfusionMatrixFromScores(s, 4, [0, 1], { into: createConfusionCounts(2) }),
    ).toThrow(/into must be a ConfusionCounts with numClasses 4/);
    expect(() => pixelConfusionMatrixFromScores(s, 4, [0, 1.5])).toThrow(
      /targs\[1\] = 1.5 is not a class index/,
    );
  });
});

describe('the WASM kernel memory', () => {
  it('is replaced, never grown, when a pass needs more room (growing would detach a buffer and slow V8 typed arrays process-wide)', () => {
    const { scores, targs } = randomCase(2000, 11, 3);
    const f32 = Float32Array.from(scores);
    countScoresWasm(f32, 11, targs, 255, new Float64Array(121), 1);
    const small = kernelMemory()!.buffer;
    const smallBytes = small.byteLength;
    countScoresWasm(f32, 11, targs, 255, new Float64Array(121), 2000);
    expect(kernelMemory()!.buffer.byteLength).toBeGreaterThanOrEqual(2000 * 48);
    expect(small.byteLength).toBe(smallBytes); // a detached buffer would report 0
  });
});
