import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveTarget } from './resolve-target.js';
import { expectInterpRejections } from './test-interp-errors.js';
import { linearLayersModel } from './test-models.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const scores = (rows: number[][]) => () => tf.tensor2d(rows);

describe('resolveTarget(model, x, target)', () => {
  it('defaults to the argmax per item, ties to the lower index', async () => {
    const x = tf.zeros([3, 2]);
    const model = scores([
      [0.1, 0.7, 0.7],
      [2, 1, 2],
      [-1, -3, -2],
    ]);
    expect(Array.from(await resolveTarget(model, x))).toEqual([1, 0, 0]);
    x.dispose();
  });

  it('expands one index to every item and keeps a per-item list', async () => {
    const x = tf.zeros([2, 4]);
    const model = linearLayersModel();
    expect(Array.from(await resolveTarget(model, x, 2))).toEqual([2, 2]);
    expect(Array.from(await resolveTarget(model, x, [1, 0]))).toEqual([1, 0]);
    x.dispose();
  });

  it('rejects bad input with InterpError', async () => {
    const x = tf.zeros([2, 4]);
    const cases: [() => Promise<unknown>, RegExp][] = [
      [
        () => resolveTarget(linearLayersModel(), x, 3),
        /target = 3 is out of range: the model has 3 outputs/,
      ],
      [
        () =>
          resolveTarget(
            scores([
              [1, Number.NaN],
              [0, 1],
            ]),
            x,
          ),
        /NaN at class 1/,
      ],
      [() => resolveTarget((z) => tf.zeros([z.shape[0]!, 2, 2]), x, 0), /\[N, C\] or \[N\]/],
      [() => resolveTarget(() => tf.zeros([3, 2]), x), /returned 3 rows for 2 inputs/],
      [() => resolveTarget(linearLayersModel(), x, 'a' as never), /class index, an array/],
    ];
    await expectInterpRejections(cases);
    x.dispose();
  });

  it('leaks no tensors', async () => {
    const x = tf.zeros([2, 4]);
    const model = linearLayersModel();
    await expectNoLeakedTensors(() => resolveTarget(model, x));
    await expectNoLeakedTensors(() => resolveTarget(() => tf.zeros([3, 2]), x).catch(() => 0));
    x.dispose();
  });
});
