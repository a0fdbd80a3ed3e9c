import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { expectNoLeakedTensors } from '../testing.js';
import { fusedBatchNormGradConfig } from './fused-batch-norm-grad.js';

const shape = [2, 3, 2, 4] as const; // N H W C
const C = shape[3];
const size = shape.reduce((a, b) => a * b, 1);
const eps = 0.01;
const xs = Array.from({ length: size }, (_, i) => Math.sin(i * 1.7) * 2);
const mean = [0.3, -0.2, 0.1, 0.5];
const variance = [0.5, 1.5, 0.2, 2.0];
const scale = [1.5, -0.7, 2.0, 0.3];
const offset = [0.1, 0.2, -0.3, 0.4];
// Weights of the scalar loss sum(w * y), so dL/dy = w is not constant.
const w = Array.from({ length: size }, (_, i) => Math.cos(i * 0.9));

/** The loss in float64, the oracle for finite differences. */
function loss(x: number[], m: number[], v: number[], s: number[] | null, o: number[]): number {
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const c = i % C;
    const y = ((x[i]! - m[c]!) / Math.sqrt(v[c]! + eps)) * (s ? s[c]! : 1) + o[c]!;
    total += w[i]! * y;
  }
  return total;
}

/** Central differences of `loss` with respect to one argument (index 0..4). */
function finiteDiff(which: number, withScale: boolean): number[] {
  const args = [xs, mean, variance, scale, offset].map((a) => [...a]);
  const h = 1e-5;
  const target = args[which]!;
  return target.map((_, j) => {
    const at = (d: number) => {
      const a = args.map((t) => [...t]);
      a[which]![j]! += d;
      return loss(a[0]!, a[1]!, a[2]!, withScale ? a[3]! : null, a[4]!);
    };
    return (at(h) - at(-h)) / (2 * h);
  });
}

function bnLoss(x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, s: tf.Tensor | undefined, o: tf.Tensor) {
  const y = tf.batchNorm(
    x as tf.Tensor4D,
    m as tf.Tensor1D,
    v as tf.Tensor1D,
    o as tf.Tensor1D,
    s as tf.Tensor1D,
    eps,
  );
  return tf.sum(tf.mul(y, tf.tensor(w, [...shape])));
}

function tensors() {
  return [
    tf.tensor4d(xs, [...shape]),
    tf.tensor1d(mean),
    tf.tensor1d(variance),
    tf.tensor1d(scale),
    tf.tensor1d(offset),
  ] as const;
}

describe.each(['cpu', 'wasm'])('FusedBatchNorm gradient on %s', (backend) => {
  beforeAll(async () => {
    await setupBackend(backend);
  });

  it('is the registered one after setupBackend', () => {
    expect(tf.getGradient(tf.FusedBatchNorm)).toBe(fusedBatchNormGradConfig);
  });

  it('equals float64 central differences for every input, with scale', async () => {
    const grads = await expectNoLeakedTensors(() =>
      tf.tidy(() => {
        const [x, m, v, s, o] = tensors();
        return tf
          .grads((a, b, c, d, e) => bnLoss(a, b, c, d, e))([x, m, v, s, o])
          .map((g) => Array.from(g.dataSync()));
      }),
    );
    grads.forEach((g, which) => {
      const fd = finiteDiff(which, true);
      g.forEach((value, j) => {
        expect(value).toBeCloseTo(fd[j]!, 3);
      });
    });
  });

  it('works without scale (tfjs-core 4.22 crashes) and equals central differences', async () => {
    const grads = await expectNoLeakedTensors(() =>
      tf.tidy(() => {
        const [x, m, v, , o] = tensors();
        return tf
          .grads((a, b, c, e) => bnLoss(a, b, c, undefined, e))([x, m, v, o])
          .map((g) => Array.from(g.dataSync()));
      }),
    );
    [0, 1, 2, 4].forEach((which, k) => {
      const fd = finiteDiff(which, false);
      grads[k]!.forEach((value, j) => {
        expect(value).toBeCloseTo(fd[j]!, 3);
      });
    });
  });

  it('gives the input gradient dy * scale / sqrt(var + eps) without any Tile kernel', async () => {
    const [x, m, v, s, o] = tensors();
    let dx: number[] = [];
    const profile = await tf.profile(() => {
      const g = tf.grad((a) => bnLoss(a, m, v, s, o))(x);
      dx = Array.from(g.dataSync());
      return g;
    });
    const kernels = profile.kernelNames;
    expect(kernels).not.toContain('Tile');
    dx.forEach((value, i) => {
      const c = i % C;
      expect(value).toBeCloseTo((w[i]! * scale[c]!) / Math.sqrt(variance[c]! + eps), 5);
    });
    tf.dispose([x, m, v, s, o]);
  });

  it('differentiates a tfjs-layers BatchNormalization with scale: false and center: false', async () => {
    const layer = tfl.layers.batchNormalization({ scale: false, center: false, epsilon: eps });
    layer.build([null, 2, 2, 3]);
    const moving = [tf.tensor1d([0.5, -1, 2]), tf.tensor1d([4, 0.25, 1])];
    layer.setWeights(moving);
    const dx = await expectNoLeakedTensors(() =>
      tf.tidy(() => {
        const x = tf.ones([1, 2, 2, 3]);
        return Array.from(
          tf
            .grad((a) => tf.sum(layer.apply(a, { training: false }) as tf.Tensor))(x)
            .dataSync(),
        );
      }),
    );
    const expected = [4, 0.25, 1].map((v) => 1 / Math.sqrt(v + eps));
    dx.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i % 3]!, 5);
    });
    tf.dispose(moving);
    for (const v of layer.weights) v.dispose(); // layer.dispose() refuses a layer never called symbolically
  });
});
