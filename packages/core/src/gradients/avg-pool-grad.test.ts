import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { targetInputGradient } from '../target-input-gradient.js';
import { expectNoLeakedTensors } from '../testing.js';
import { avgPoolInputGrad } from './avg-pool-grad.js';

// x [1, H, W, C], a 3 x 3 window, stride 1, 'same' padding: InceptionV3's branch pools.
const [H, W, C] = [4, 5, 2];
const size = H * W * C;
const xs = Array.from({ length: size }, (_, i) => Math.sin(i * 1.3) * 2);
const w = Array.from({ length: size }, (_, i) => Math.cos(i * 0.7));

/** sum(w * avgPool(x)) in float64, averaging only the window's values inside x (TF's 'same'). */
function loss(x: number[]): number {
  let total = 0;
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      for (let k = 0; k < C; k++) {
        let sum = 0;
        let count = 0;
        for (let dr = -1; dr <= 1; dr++) {
          for (let dc = -1; dc <= 1; dc++) {
            const rr = r + dr;
            const cc = c + dc;
            if (rr < 0 || rr >= H || cc < 0 || cc >= W) continue;
            sum += x[(rr * W + cc) * C + k]!;
            count++;
          }
        }
        total += w[(r * W + c) * C + k]! * (sum / count);
      }
    }
  }
  return total;
}

function finiteDiff(): number[] {
  const h = 1e-5;
  return xs.map((_, j) => {
    const at = (d: number) => loss(xs.map((v, i) => (i === j ? v + d : v)));
    return (at(h) - at(-h)) / (2 * h);
  });
}

const pooledLoss = (x: tf.Tensor) =>
  tf.sum(tf.mul(tf.avgPool(x as tf.Tensor4D, 3, 1, 'same'), tf.tensor(w, [1, H, W, C])));

describe.each(['cpu', 'wasm'] as const)('AvgPool gradient (%s)', (backend) => {
  beforeAll(async () => {
    await setupBackend(backend);
  });

  it('forward averages only the values inside x (the oracle agrees)', async () => {
    const l = tf.tidy(() => pooledLoss(tf.tensor4d(xs, [1, H, W, C])));
    expect((await l.data())[0]).toBeCloseTo(loss(xs), 4);
    l.dispose();
  });

  it("'same' padding: equals float64 central differences at the borders too", async () => {
    const g = tf.tidy(() => tf.grad(pooledLoss)(tf.tensor4d(xs, [1, H, W, C])));
    const got = Array.from(await g.data());
    g.dispose();
    const want = finiteDiff();
    for (let i = 0; i < size; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
  });
});

describe('avgPoolInputGrad', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it('is the kernel gradient unchanged with valid padding (every window inside x)', async () => {
    const x = tf.tensor4d(xs, [1, H, W, C]);
    const dy = tf.ones([1, H - 2, W - 2, C]);
    const ours = avgPoolInputGrad(dy, x, { filterSize: 3, strides: 1, pad: 'valid' });
    const kernel = tf.engine().runKernel(tf.AvgPoolGrad, { dy, input: x }, {
      filterSize: 3,
      strides: 1,
      pad: 'valid',
    } as never) as tf.Tensor;
    expect(Array.from(await ours.data())).toEqual(Array.from(await kernel.data()));
    tf.dispose([x, dy, ours, kernel]);
  });

  it('leaks no tensors', async () => {
    const x = tf.tensor4d(xs, [1, H, W, C]);
    const dy = tf.ones([1, H, W, C]);
    await expectNoLeakedTensors(() => {
      avgPoolInputGrad(dy, x, { filterSize: 3, strides: 1, pad: 'same' }).dispose();
    });
    tf.dispose([x, dy]);
  });
});

// An InceptionV3 block in small: conv 1 x 1 + BatchNormalization(scale: false) beside a 3 x 3
// 'same' average pool + conv, concatenated, then dense. No ReLU, so the score is affine in x and
// central differences are exact up to float32 rounding: the cpu backend's forward pass is the
// reference for the gradients of both backends (through the tape and the tape-free chain).
function inceptionBlock(): tfl.LayersModel {
  const input = tfl.input({ shape: [5, 6, 2] });
  const conv = (filters: number, seed: number) =>
    tfl.layers.conv2d({
      filters,
      kernelSize: 1,
      useBias: false,
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
    });
  const bn = tfl.layers.batchNormalization({
    scale: false,
    betaInitializer: tfl.initializers.constant({ value: 0.2 }),
    movingMeanInitializer: tfl.initializers.constant({ value: 0.1 }),
    movingVarianceInitializer: tfl.initializers.constant({ value: 0.7 }),
  });
  const a = bn.apply(conv(3, 1).apply(input)) as tfl.SymbolicTensor;
  const pooled = tfl.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' });
  const b = conv(2, 2).apply(pooled.apply(input)) as tfl.SymbolicTensor;
  const joined = tfl.layers.concatenate().apply([a, b]) as tfl.SymbolicTensor;
  const flat = tfl.layers.flatten().apply(joined);
  const out = tfl.layers
    .dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) })
    .apply(flat) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out });
}

/** A chain (Sequential) with the same 'same' pool, for the tape-free backward pass. */
function pooledChain(): tfl.LayersModel {
  const m = tfl.sequential();
  m.add(
    tfl.layers.averagePooling2d({
      inputShape: [5, 6, 2],
      poolSize: 3,
      strides: 1,
      padding: 'same',
    }),
  );
  m.add(tfl.layers.flatten());
  m.add(
    tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }),
  );
  return m;
}

const image = Array.from({ length: 5 * 6 * 2 }, (_, i) => Math.cos(i * 0.37));
const target = 1;

/** Central differences of the target score on the cpu backend, one coordinate at a time. */
async function cpuFiniteDiff(model: tfl.LayersModel): Promise<number[]> {
  await setupBackend('cpu');
  const h = 0.5;
  const score = (v: number[]) =>
    tf.tidy(() => {
      const out = model.predict(tf.tensor4d(v, [1, 5, 6, 2])) as tf.Tensor;
      return out.dataSync()[target]!;
    });
  return image.map((_, j) => {
    const at = (d: number) => score(image.map((v, i) => (i === j ? v + d : v)));
    return (at(h) - at(-h)) / (2 * h);
  });
}

describe.each(['cpu', 'wasm'] as const)(
  'input gradients through an average pool (%s)',
  (backend) => {
    it("an Inception-like block (BatchNormalization scale: false, 'same' pool, concat): tf.grad equals cpu finite differences", async () => {
      const model = inceptionBlock();
      const want = await cpuFiniteDiff(model);
      await setupBackend(backend);
      const g = tf.tidy(() =>
        tf.grad((x) => tf.sum(tf.slice(model.predict(x) as tf.Tensor, [0, target], [1, 1])))(
          tf.tensor4d(image, [1, 5, 6, 2]),
        ),
      );
      const got = Array.from(await g.data());
      g.dispose();
      model.dispose();
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
    });

    it('a chain: the tape-free backward pass equals cpu finite differences', async () => {
      const model = pooledChain();
      const want = await cpuFiniteDiff(model);
      await setupBackend(backend);
      const x = tf.tensor4d(image, [1, 5, 6, 2]);
      const { gradient, outputs, method } = targetInputGradient(model, x, [target]);
      expect(method).toBe('layers');
      const got = Array.from(await gradient.data());
      tf.dispose([x, gradient, outputs]);
      model.dispose();
      for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 4);
    });
  },
);
