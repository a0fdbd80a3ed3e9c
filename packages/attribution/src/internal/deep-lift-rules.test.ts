// DeepLift's node rules on hand-worked paired batches [x; ref], differentiated as DeepLift does
// (the target scores of both halves, gradient with respect to x only).
import type { GraphNode, NodeHook } from '@interp/core';
import { setupBackend } from '@interp/core';
import { expectNoLeakedTensors } from '@interp/core/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxPoolHook, rescaleHook } from './deep-lift-rules.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const node: GraphNode = {
  name: 'n',
  op: 'MaxPool',
  inputs: [],
  outputs: [],
  outputShape: undefined,
  params: 0,
  trainableParams: 0,
};

/** d/dx of sum(hook(op([x; ref]))) over both halves. */
function pairedGradient(
  x: tf.Tensor,
  ref: tf.Tensor,
  op: (t: tf.Tensor) => tf.Tensor,
  hook: NodeHook,
): tf.Tensor {
  return tf.tidy(() =>
    tf.grad((z: tf.Tensor) => {
      const batch = tf.concat([z, ref]);
      return tf.sum(hook(op(batch), { node, inputs: [batch] }) as tf.Tensor);
    })(x),
  );
}

const pool = (t: tf.Tensor) =>
  tf.transpose(
    tf.maxPool(tf.transpose(t, [0, 2, 3, 1]) as tf.Tensor4D, 2, 2, 'valid'),
    [0, 3, 1, 2],
  );

describe('maxPoolHook (Captum maxpool rule)', () => {
  it('routes (max(y, y_ref) - y_ref) to x argmax and (y - max) to ref argmax, divided by x - ref', async () => {
    // Item 0: x [1, 2, 3, 0.5] vs ref 2.5: m = 3, 0.5 at x's argmax (index 2) / dIn 0.5 -> 1.
    // Item 1: x [0.1, 0.05, 0, 0] vs ref 0.4 (x's max below the ref): 0 for x's rows, and
    //   0.1 - 0.4 = -0.3 at the ref's first maximum (index 0) / dIn -0.3 -> 1.
    // Item 2: x = ref = 0.5 everywhere: |dIn| < eps, the plain gradient (first maximum) -> 1.
    const x = tf.tensor4d([1, 2, 3, 0.5, 0.1, 0.05, 0, 0, 0.5, 0.5, 0.5, 0.5], [3, 1, 2, 2]);
    const ref = tf.tensor4d(
      [2.5, 2.5, 2.5, 2.5, 0.4, 0.4, 0.4, 0.4, 0.5, 0.5, 0.5, 0.5],
      [3, 1, 2, 2],
    );
    const g = pairedGradient(x, ref, pool, maxPoolHook('NCHW', 'pool'));
    expect(Array.from(await g.data())).toEqual([0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    // Completeness per item: sum (x - ref) * multiplier = pool(x) - pool(ref).
    const attr = await tf.mul(g, tf.sub(x, ref)).data();
    expect(attr[2]).toBeCloseTo(0.5, 6);
    expect(attr[4]).toBeCloseTo(-0.3, 6);
    tf.dispose([x, ref, g]);
  });

  it('refuses a pool whose windows overlap (recomputing it with kernel = stride differs)', () => {
    const x = tf.tensor4d(
      Array.from({ length: 9 }, (_, i) => i),
      [1, 1, 3, 3],
    );
    const overlapping = (t: tf.Tensor) =>
      tf.transpose(
        tf.maxPool(tf.transpose(t, [0, 2, 3, 1]) as tf.Tensor4D, 2, 1, 'valid'),
        [0, 3, 1, 2],
      );
    expect(() => pairedGradient(x, tf.zerosLike(x), overlapping, maxPoolHook('NCHW', 'p'))).toThrow(
      /overlapping or padded windows/,
    );
    x.dispose();
  });
});

describe('rescaleHook (Captum nonlinear rule)', () => {
  it('multiplier (f(x) - f(ref)) / (x - ref), plain gradient where x = ref; no leaks', async () => {
    // relu: x [2, -1, 0.5] vs ref [-1, -3, 0.5]: [(2 - 0) / 3, 0 / 2, plain relu'(0.5) = 1].
    const x = tf.tensor2d([[2, -1, 0.5]]);
    const ref = tf.tensor2d([[-1, -3, 0.5]]);
    await expectNoLeakedTensors(async () => {
      const g = pairedGradient(x, ref, tf.relu, rescaleHook());
      const v = await g.data();
      expect(v[0]).toBeCloseTo(2 / 3, 6);
      expect(v[1]).toBe(0);
      expect(v[2]).toBe(1);
      g.dispose();
    });
    tf.dispose([x, ref]);
  });
});
