import { isInterpError, setupBackend } from '@interp/core';
import { expectNoLeakedTensors, maxAbsDiff } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { APPROXIMATION_METHODS } from './approximation-parameters.js';
import {
  IntegratedGradients,
  integratedGradientsDefaults,
  integratedGradientsWithTargets,
} from './integrated-gradients.js';
import { DEFAULT_CHUNK_VALUES, defaultRowsPerChunk } from './internal/batch-budget.js';
import {
  captumToyModel,
  LINEAR_BIAS,
  LINEAR_W,
  learnerFor,
  linearLayersModel,
  linearModel,
  LINEAR_X as X,
} from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

/** (x - b) * W[:, t] computed by hand from the weights. */
function expectedLinearIG(x: number[][], b: number[], targets: number[], scale = 1): number[] {
  const out: number[] = [];
  x.forEach((row, i) => {
    row.forEach((v, j) => {
      out.push(scale * (v - b[j]!) * LINEAR_W[j]![targets[i]!]!);
    });
  });
  return out;
}

async function expectThrowsInterp(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isInterpError(e), String(e)).toBe(true);
  expect((e as Error).message).toMatch(pattern);
}

describe('IntegratedGradients', () => {
  it('has the expected defaults', () => {
    expect(integratedGradientsDefaults).toEqual({
      baseline: 0,
      multiplyByInputs: true,
      nSteps: 50,
      method: 'gausslegendre',
      returnConvergenceDelta: false,
    });
    // Chunks of at most 2^17 input values: 167 rows of 28x28 digits, one row of a 224x224x3 image.
    expect(DEFAULT_CHUNK_VALUES).toBe(2 ** 17);
    expect([defaultRowsPerChunk(784), defaultRowsPerChunk(224 * 224 * 3)]).toEqual([167, 1]);
    const ig = new IntegratedGradients(linearModel());
    expect(ig.baseline).toBe(0);
    expect(ig.multiplyByInputs).toBe(true);
  });

  it('attribute(x) of a linear model is (x - b) * w for every method whose weights sum to 1', async () => {
    const x = tf.tensor2d(X);
    const b = [0.5, -1, 0, 2];
    const baseline = tf.tensor1d(b);
    const ig = new IntegratedGradients(learnerFor(linearModel()), { baseline });
    for (const method of APPROXIMATION_METHODS) {
      const attr = await ig.attribute(x, { target: [2, 0], method, nSteps: 7 });
      // Captum's trapezoid weights sum to (n - 1) / n, so its integral is scaled by that.
      const scale = method === 'riemann_trapezoid' ? 6 / 7 : 1;
      expect(maxAbsDiff(await attr.data(), expectedLinearIG(X, b, [2, 0], scale))).toBeLessThan(
        1e-5,
      );
      attr.dispose();
    }
    tf.dispose([x, baseline]);
  });

  it('attribute(x) defaults the target to the predicted class and the baseline to zeros', async () => {
    const x = tf.tensor2d(X);
    // Scores by hand: row 0 = [1+6+0.5+0.1, -2+0.5-2-1.5-0.2, 0.5-2-4+0.75+0.3] -> class 0.
    // Row 1 = [-2+1.5-1.5+0.1, 4+0.125+6-3-0.2, -1-0.5+12+1.5+0.3] -> class 2.
    const attr = await new IntegratedGradients(linearLayersModel()).attribute(x);
    expect(maxAbsDiff(await attr.data(), expectedLinearIG(X, [0, 0, 0, 0], [0, 2]))).toBeLessThan(
      1e-5,
    );
    tf.dispose([x, attr]);
    expect(LINEAR_BIAS).toHaveLength(3);
  });

  it("attribute(x) gives Captum's toy-model values [1.5, -0.5] at (3, 1)", async () => {
    const x = tf.tensor2d([[3, 1]]);
    const ig = new IntegratedGradients(captumToyModel());
    // The integrand jumps at alpha = 0.5; symmetric rules put exactly half their weight above it.
    const tolerance: Record<string, number> = {
      gausslegendre: 1e-5,
      riemann_middle: 1e-5,
      riemann_right: 1e-5,
      riemann_left: 0.07, // alphas i/50: 24 of 50 points above 0.5
      riemann_trapezoid: 0.07,
    };
    for (const method of APPROXIMATION_METHODS) {
      const { attributions, delta } = await ig.attribute(x, {
        method,
        nSteps: 50,
        returnConvergenceDelta: true,
      });
      const a = await attributions.data();
      expect(Math.abs(a[0]! - 1.5), method).toBeLessThan(tolerance[method]!);
      expect(Math.abs(a[1]! + 0.5), method).toBeLessThan(tolerance[method]!);
      // delta = sum(attr) - (f(x) - f(0)) = sum(attr) - 1.
      expect((await delta.data())[0]).toBeCloseTo(a[0]! + a[1]! - 1, 5);
      tf.dispose([attributions, delta]);
    }
    tf.dispose(x);
  });

  it('attribute(x, { multiplyByInputs: false }) returns the path-averaged gradient', async () => {
    const x = tf.tensor2d(X);
    const attr = await new IntegratedGradients(linearModel(), {
      multiplyByInputs: false,
    }).attribute(x, { target: 1 });
    const expected = X.flatMap((row) => row.map((_, j) => LINEAR_W[j]![1]!));
    expect(maxAbsDiff(await attr.data(), expected)).toBeLessThan(1e-5);
    tf.dispose([x, attr]);
  });

  it('attribute(x) does not depend on internalBatchSize (1, 7, all)', async () => {
    const x = tf.randomNormal([5, 2], 0, 2, 'float32', 3);
    const ig = new IntegratedGradients(captumToyModel(), { baseline: tf.tensor1d([0.1, -0.2]) });
    const reference = await ig.attribute(x, { nSteps: 20 });
    const ref = await reference.data();
    for (const internalBatchSize of [1, 7, 100]) {
      const attr = await ig.attribute(x, { nSteps: 20, internalBatchSize });
      expect(maxAbsDiff(await attr.data(), ref)).toBeLessThan(1e-5);
      attr.dispose();
    }
    tf.dispose([x, reference, ig.baseline as tf.Tensor]);
  });

  it('attribute(x, { progress }) reports rows (items x steps) after each pass, all items in one run', async () => {
    const x = tf.tensor2d(X);
    const ig = new IntegratedGradients(linearModel());
    const expected = expectedLinearIG(X, [0, 0, 0, 0], [2, 0]);
    const runs: [number, number[][]][] = [
      // Both items per pass, 2 steps each: 4 and 8 rows, then the last step's 2.
      [
        4,
        [
          [0, 10],
          [4, 10],
          [8, 10],
          [10, 10],
        ],
      ],
      // One row per pass: item 0's five steps, then item 1's.
      [1, Array.from({ length: 11 }, (_, i) => [i, 10])],
    ];
    for (const [internalBatchSize, calls] of runs) {
      const seen: number[][] = [];
      const attr = await ig.attribute(x, {
        target: [2, 0],
        nSteps: 5,
        internalBatchSize,
        progress: (done, total) => seen.push([done, total]),
      });
      expect(seen).toEqual(calls);
      expect(maxAbsDiff(await attr.data(), expected)).toBeLessThan(1e-5);
      attr.dispose();
    }
    // Throughput-sized chunks: the calls still end at every row.
    const seen: number[][] = [];
    const attr = await ig.attribute(x, { target: [2, 0], progress: (d, t) => seen.push([d, t]) });
    expect(seen[0]).toEqual([0, 100]);
    expect(seen.at(-1)).toEqual([100, 100]);
    tf.dispose([x, attr]);
  });

  it('integratedGradientsWithTargets gives the predicted classes from the delta pass of [x; baseline]', async () => {
    const x = tf.tensor2d(X);
    const model = linearLayersModel();
    // Scores by hand (see the predicted-class test above): item 0 -> class 0, item 1 -> class 2.
    const before = tf.memory().numTensors;
    const r = await integratedGradientsWithTargets(model, x, { nSteps: 8 });
    expect(Array.from(r.targets)).toEqual([0, 2]);
    expect(
      maxAbsDiff(await r.attributions.data(), expectedLinearIG(X, [0, 0, 0, 0], [0, 2])),
    ).toBeLessThan(1e-5);
    // Linear: the attributions sum to f(x)[t] - f(0)[t] exactly, so delta is 0 to rounding.
    for (const d of await r.delta.data()) expect(Math.abs(d)).toBeLessThan(1e-5);
    // A given target comes back as one class per item.
    const given = await integratedGradientsWithTargets(model, x, { target: 1 });
    expect(Array.from(given.targets)).toEqual([1, 1]);
    tf.dispose([r.attributions, r.delta, given.attributions, given.delta]);
    // Nothing else is kept.
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    model.dispose();
  });

  it('integratedGradientsWithTargets: a tie goes to the lower class; the delta by hand', async () => {
    // f(x) = [sum x, sum x, 0]: classes 0 and 1 tie, class 0 wins; IG of class 0 is x itself.
    const tie = (z: tf.Tensor) =>
      tf.tidy(() => {
        const s = tf.sum(z, 1, true);
        return tf.concat([s, s, tf.zerosLike(s)], 1);
      });
    const x = tf.tensor2d([[1, 2, -0.5, 0.25]]);
    const r = await integratedGradientsWithTargets(tie, x, { nSteps: 4 });
    expect(Array.from(r.targets)).toEqual([0]);
    expect(maxAbsDiff(await r.attributions.data(), [1, 2, -0.5, 0.25])).toBeLessThan(1e-6);
    tf.dispose([x, r.attributions, r.delta]);
    // Captum's toy model at (3, 1): f(x) = 1, f(0) = 0, so delta = a0 + a1 - 1.
    const toy = tf.tensor2d([[3, 1]]);
    const t = await integratedGradientsWithTargets(captumToyModel(), toy, { nSteps: 50 });
    const a = await t.attributions.data();
    expect(Array.from(t.targets)).toEqual([0]);
    expect((await t.delta.data())[0]).toBeCloseTo(a[0]! + a[1]! - 1, 5);
    tf.dispose([toy, t.attributions, t.delta]);
  });

  it('attribute(x) accepts a baseline per item', async () => {
    const x = tf.tensor2d(X);
    const baseline = tf.tensor2d([
      [1, 1, 1, 1],
      [0, -1, 2, 0],
    ]);
    const attr = await new IntegratedGradients(linearModel(), { baseline }).attribute(x, {
      target: [1, 1],
      internalBatchSize: 1,
    });
    const expected = [
      ...expectedLinearIG([X[0]!], [1, 1, 1, 1], [1]),
      ...expectedLinearIG([X[1]!], [0, -1, 2, 0], [1]),
    ];
    expect(maxAbsDiff(await attr.data(), expected)).toBeLessThan(1e-5);
    tf.dispose([x, baseline, attr]);
  });

  it('rejects bad input with InterpError', async () => {
    const x = tf.tensor2d(X);
    const ig = new IntegratedGradients(linearLayersModel());
    await expectThrowsInterp(
      ig.attribute(x, { target: 3 }),
      /target = 3 is out of range.*3 outputs/,
    );
    await expectThrowsInterp(ig.attribute(x, { target: [0] }), /1 entries for 2 items/);
    await expectThrowsInterp(ig.attribute(x, { nSteps: 0 }), /nSteps must be >= 1/);
    await expectThrowsInterp(
      ig.attribute(x, { nSteps: 1, method: 'riemann_left' }),
      /nSteps must be >= 2 for riemann_left/,
    );
    await expectThrowsInterp(
      ig.attribute(x, { method: 'simpson' as 'gausslegendre' }),
      /invalid method: "simpson"/,
    );
    await expectThrowsInterp(ig.attribute(x, { internalBatchSize: 0 }), /internalBatchSize/);
    await expectThrowsInterp(
      ig.attribute(x, { progress: 5 as unknown as () => void }),
      /progress must be a function \(done, total\) => void, got/,
    );
    const badBaseline = tf.zeros([3]);
    await expectThrowsInterp(
      new IntegratedGradients(linearModel(), { baseline: badBaseline }).attribute(x),
      /baseline has shape \[3\].*like one item \[4\]/,
    );
    const wrongShape = tf.zeros([2, 5]);
    await expectThrowsInterp(ig.attribute(wrongShape), /x has shape \[2, 5\].*expects \[N, 4\]/);
    tf.dispose([x, badBaseline, wrongShape]);
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor2d(X);
    const ig = new IntegratedGradients(linearLayersModel(), { baseline: 0.5 });
    await expectNoLeakedTensors(() => ig.attribute(x, { internalBatchSize: 3 }));
    await expectNoLeakedTensors(() => ig.attribute(x, { returnConvergenceDelta: true }));
    await expectNoLeakedTensors(() => ig.attribute(x, { target: 9 }).catch(() => undefined));
    // A progress callback that throws mid-run: the rejection frees the partial sums.
    const stop = (done: number) => {
      if (done > 0) throw new Error('stop');
    };
    await expectNoLeakedTensors(() =>
      ig
        .attribute(x, { internalBatchSize: 2, returnConvergenceDelta: true, progress: stop })
        .catch(() => undefined),
    );
    tf.dispose(x);
  });
});
