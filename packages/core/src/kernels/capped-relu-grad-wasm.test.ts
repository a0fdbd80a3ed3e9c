import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { cappedReluGradSimd } from './capped-relu-grad-simd.js';
import {
  CAPPED_RELU_GRAD,
  type CappedReluForm,
  cappedReluGrad,
  cappedReluGradWasm,
} from './capped-relu-grad-wasm.js';
import { expectFreesEverything } from './test-kernel-cases.js';
import { randn, runOn } from './test-kernel-helpers.js';

beforeAll(async () => {
  await setupBackend('wasm');
  if (tf.getKernel(CAPPED_RELU_GRAD, 'wasm') === undefined) tf.registerKernel(cappedReluGradWasm);
});

const SPECIAL = [
  0,
  6,
  -0,
  6.000001,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];

/** Normal values times 4 (about a tenth above 6) with the cap, zero and non-finite values planted. */
function inputs(size: number, seed: number): { x: Float32Array; dy: Float32Array } {
  const x = randn(size, seed).map((v) => v * 4);
  const dy = randn(size, seed + 1);
  for (let i = 0; i < size; i += 5) x[i] = SPECIAL[(i / 5) % SPECIAL.length]!;
  for (let i = 3; i < size; i += 11) dy[i] = i % 2 ? Number.NaN : Number.NEGATIVE_INFINITY;
  return { x, dy };
}

// The oracle: tf.grad on the cpu backend of what tfjs-layers runs: ReLU({ maxValue: 6 }) is
// clipByValue(relu(x), 0, 6), the relu6 activation is minimum(6, relu(x)).
const forward: Record<CappedReluForm, (t: tf.Tensor) => tf.Tensor> = {
  clipByValue: (t) => tf.clipByValue(tf.relu(t), 0, 6),
  minimum: (t) => tf.minimum(6, tf.relu(t)),
};

/** Values as strings, so NaN equals NaN and -0 differs from 0. */
const bits = (a: ArrayLike<number>) => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : String(v)));

describe('cappedReluGradWasm (InterpCappedReluGrad)', () => {
  for (const shape of [[1], [3], [2, 5, 7, 3], [2, 16, 16, 32], [1, 9, 11, 13]]) {
    for (const form of ['clipByValue', 'minimum'] as const) {
      it(`${form}, shape [${shape}]: bit for bit the cpu backend's tf.grad`, async () => {
        const size = tf.util.sizeFromShape(shape);
        const { x, dy } = inputs(size, size);
        const cpu = await runOn('cpu', () =>
          tf.tidy(() =>
            tf.grad((t: tf.Tensor) => tf.sum(tf.mul(forward[form](t), tf.tensor(dy, shape))))(
              tf.tensor(x, shape),
            ),
          ),
        );
        const wasm = await runOn('wasm', () =>
          tf.tidy(() =>
            cappedReluGrad(tf.tensor(dy, shape), tf.tensor(x, shape), { max: 6, form }),
          ),
        );
        expect((wasm as unknown as { shape: number[] }).shape).toEqual(shape);
        expect(bits(wasm)).toEqual(bits(cpu));
      });
    }
  }

  it('runs as SIMD on the wasm backend, and as tf ops with the same numbers on cpu', async () => {
    expect(cappedReluGradSimd(tf.backend(), 'clipByValue')).toBeTypeOf('function');
    const shape = [2, 6, 6, 5];
    const { x, dy } = inputs(tf.util.sizeFromShape(shape), 9);
    for (const form of ['clipByValue', 'minimum'] as const) {
      const run = () =>
        tf.tidy(() => cappedReluGrad(tf.tensor(dy, shape), tf.tensor(x, shape), { max: 6, form }));
      const oracle = () =>
        tf.tidy(() =>
          tf.grad((t: tf.Tensor) => tf.sum(tf.mul(forward[form](t), tf.tensor(dy, shape))))(
            tf.tensor(x, shape),
          ),
        );
      expect(bits(await runOn('cpu', run))).toEqual(bits(await runOn('cpu', oracle)));
      expect(bits(await runOn('wasm', run))).toEqual(bits(await runOn('cpu', oracle)));
    }
  });

  it('gives the same numbers from the output as from the input for the minimum form', async () => {
    const { x, dy } = inputs(4 * 9 * 9 * 8, 7);
    const y = x.map((v) => Math.min(6, Math.max(0, v)));
    const fromInput = cappedReluGrad(tf.tensor(dy), tf.tensor(x), { max: 6, form: 'minimum' });
    const fromOutput = cappedReluGrad(tf.tensor(dy), tf.tensor(y), { max: 6, form: 'minimum' });
    const finite = (a: ArrayLike<number>) => bits(a).filter((_, i) => !Number.isNaN(x[i]!));
    expect(finite(await fromOutput.data())).toEqual(finite(await fromInput.data()));
    tf.dispose([fromInput, fromOutput]);
  });

  it('works out small cases by hand, also with a cap that float32 rounds (0.1)', async () => {
    const x = tf.tensor1d([-1, 0, 0.05, 0.1, 0.2, 7]);
    const dy = tf.tensor1d([2, -3, 4, 5, 6, -7]);
    const clip = cappedReluGrad(dy, x, { max: 0.1, form: 'clipByValue' });
    const min = cappedReluGrad(dy, x, { max: 0.1, form: 'minimum' });
    // step(x) = [0, 0, 1, 1, 1, 1]; x <= 0.1 (as float32): [1, 1, 1, 1, 0, 0]; x < 0.1: 0 at 0.1.
    expect(bits(await clip.data())).toEqual(bits([0, -0, 4, 5, 0, 0]));
    expect(bits(await min.data())).toEqual(bits([0, -0, 4, 0, 0, -0]));
    tf.dispose([x, dy, clip, min]);
  });

  it('rejects dy and x of different shapes, saying what to pass', () => {
    const x = tf.zeros([2, 3]);
    const dy = tf.zeros([3, 2]);
    const run = () =>
      tf.engine().runKernel(CAPPED_RELU_GRAD, { dy, x }, { max: 6, form: 'clipByValue' });
    expect(run).toThrow(InterpError);
    expect(run).toThrow(/dy has shape \[3,2\] but x has \[2,3\]; pass the gradient/);
    tf.dispose([x, dy]);
  });

  it('with overwriteDy writes over dy unless another tensor shares it: the same bits', async () => {
    const shape = [2, 7, 7, 12];
    const { x, dy } = inputs(tf.util.sizeFromShape(shape), 21);
    for (const form of ['clipByValue', 'minimum'] as const) {
      const oracle = await runOn('cpu', () =>
        tf.tidy(() =>
          tf.grad((t: tf.Tensor) => tf.sum(tf.mul(forward[form](t), tf.tensor(dy, shape))))(
            tf.tensor(x, shape),
          ),
        ),
      );
      const xs = tf.tensor(x, shape);
      const spent = tf.tensor(dy, shape);
      const over = cappedReluGrad(spent, xs, { max: 6, form, overwriteDy: true });
      expect(over.dataId).toBe(spent.dataId);
      spent.dispose();
      expect(bits(await over.data())).toEqual(bits(oracle));
      // A reshape shares dy's data: it must keep its values, so the result gets its own buffer.
      const shared = tf.tensor(dy, shape);
      const view = tf.reshape(shared, [-1]);
      const apart = cappedReluGrad(shared, xs, { max: 6, form, overwriteDy: true });
      expect(apart.dataId).not.toBe(shared.dataId);
      expect(bits(await apart.data())).toEqual(bits(oracle));
      expect(bits(await view.data())).toEqual(bits(dy));
      tf.dispose([xs, over, shared, view, apart]);
    }
  });

  it('leaks no tensors and no wasm buffers, also writing over dy', async () => {
    const x = tf.tensor(randn(2 * 5 * 5 * 6, 3), [2, 5, 5, 6]);
    const dy = tf.tensor(randn(2 * 5 * 5 * 6, 4), [2, 5, 5, 6]);
    const before = tf.memory().numTensors;
    const out = cappedReluGrad(dy, x, { max: 6, form: 'minimum', overwriteDy: true });
    dy.dispose();
    out.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);
    await expectFreesEverything([x], () =>
      tf.tidy(() =>
        cappedReluGrad(tf.zerosLike(x), x, { max: 6, form: 'minimum', overwriteDy: true }),
      ),
    );
  });

  it('leaks no tensors and no wasm buffers', async () => {
    const x = tf.tensor(randn(2 * 5 * 5 * 6, 3), [2, 5, 5, 6]);
    const dy = tf.tensor(randn(2 * 5 * 5 * 6, 4), [2, 5, 5, 6]);
    await expectFreesEverything([x, dy], () => cappedReluGrad(dy, x, { max: 6, form: 'minimum' }));
  });
});
