// The ReLU6 derivative at its kinks in the GraphModel adapter's tape-free input gradient, worked
// by hand: a fused ReLU6 (conv or matmul + BiasAdd + Relu6, the converter's form) whose
// pre-activations are exactly -1, 0, 3, 6 and 7. The walk reads the mask off the fused output y,
// so it passes the gradient where 0 < y < 6 (PyTorch's hardtanh and Captum's convention, see
// activationBackward); tf.grad unfuses the node and runs tf.relu6's gradient, which also passes
// at exactly 6. This pins that one documented difference (and the agreement everywhere else)
// against tf.grad through GraphModel.execute; an unfused Relu6 node, whose vjp has x, agrees
// with tf.grad at 6 too.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { targetInputGradient } from '../target-input-gradient.js';
import { expectNoLeakedTensors } from '../testing.js';
import { conv, float, graphModel } from './test-graph-model.js';

const Z = [-1, 0, 3, 6, 7];
const fusedRelu6 = {
  list: { s: ['BiasAdd', 'Relu6'].map((s) => Buffer.from(s).toString('base64')) },
};

/** x [n, 1, 5, 1] through a 1 x 1 conv of weight 1, bias 0 and ReLU6, reshaped to [n, 5]. */
const convModel = () =>
  graphModel(
    { w: [[1, 1, 1, 1], [1]], b: [[1], [0]], shape: [[2], [-1, 5], 'int32'] },
    [
      conv('_FusedConv2D', 'c', ['x', 'w', 'b'], { fused: ['BiasAdd', 'Relu6'] }),
      { name: 'out', op: 'Reshape', input: ['c', 'shape'], attr: float },
    ],
    [-1, 1, 5, 1],
  );

/** x [n, 5] times the 5 x 5 identity, bias 0, ReLU6. */
const matMulModel = () =>
  graphModel(
    {
      w: [[5, 5], Array.from({ length: 25 }, (_, i) => (i % 6 === 0 ? 1 : 0))],
      b: [[5], [0, 0, 0, 0, 0]],
    },
    [
      {
        name: 'out',
        op: '_FusedMatMul',
        input: ['x', 'w', 'b'],
        attr: {
          ...float,
          transpose_a: { b: false },
          transpose_b: { b: false },
          fused_ops: fusedRelu6,
          num_args: { i: '1' },
        },
      },
    ],
    [-1, 5],
  );

/** x [n, 5] through a plain Relu6 node: it has its input, so both take tf.relu6's 0 < x <= 6. */
const plainModel = () =>
  graphModel({}, [{ name: 'out', op: 'Relu6', input: ['x'], attr: float }], [-1, 5]);

// Row k is d(out[k, k])/dx: e_k where the mask passes, else zeros.
const rows = (passes: boolean[]) =>
  Z.map((_, k) => Z.map((_z, j) => (j === k && passes[k] ? 1 : 0)));
const ours = rows(Z.map((z) => z > 0 && z < 6));
const tape = rows(Z.map((z) => z > 0 && z <= 6));

describe.each(['cpu', 'wasm'])('a ReLU6 at its kinks (GraphModel, %s)', (backend) => {
  it.each([
    ['_FusedConv2D', convModel, [5, 1, 5, 1], ours],
    ['_FusedMatMul', matMulModel, [5, 5], ours],
    ['an unfused Relu6', plainModel, [5, 5], tape],
  ] as const)(
    '%s: the walk passes as expected, tf.grad 0 < z <= 6',
    async (_, load, shape, want) => {
      await setupBackend(backend as 'cpu' | 'wasm');
      const model = await load();
      const x = tf.tensor(
        Z.flatMap(() => Z),
        [...shape],
      );
      const target = [0, 1, 2, 3, 4];
      await expectNoLeakedTensors(() => {
        const walk = targetInputGradient(model, x, target);
        const taped = targetInputGradient(model, x, target, { method: 'tape' });
        expect(walk.method).toBe('graph');
        const asRows = (g: tf.Tensor) => tf.tidy(() => tf.reshape(g, [5, 5]).arraySync());
        expect(asRows(walk.gradient)).toEqual(want);
        expect(asRows(taped.gradient)).toEqual(tape);
        expect(walk.outputs.arraySync()).toEqual(taped.outputs.arraySync());
        tf.dispose([walk.gradient, walk.outputs, taped.gradient, taped.outputs]);
      });
      x.dispose();
      model.dispose();
    },
  );
});
