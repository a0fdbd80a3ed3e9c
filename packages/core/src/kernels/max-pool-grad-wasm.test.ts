import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { createRng } from '../random.js';
import { maxPool2x2GradSimd, maxPoolGradSimd } from './max-pool-grad-simd.js';
import {
  MAX_POOL_RELU_GRAD,
  maxPoolGradPath,
  maxPoolGradWasm,
  maxPoolReluGradWasm,
} from './max-pool-grad-wasm.js';
import {
  expectFreesEverything,
  expectWasmMatchesCpu,
  type PoolCase,
  poolCases,
  poolDyShape,
  randomTensor,
} from './test-kernel-cases.js';
import { randn, runOn } from './test-kernel-helpers.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

function poolGrad(dy: tf.Tensor, input: tf.Tensor, c: PoolCase) {
  return tf.engine().runKernel('MaxPoolGrad', { dy, input, output: input }, {
    filterSize: c.filterSize,
    strides: c.strides,
    pad: c.pad,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

describe('maxPoolGradWasm', () => {
  it('is the registered wasm MaxPoolGrad after setupBackend', () => {
    expect(tf.getKernel('MaxPoolGrad', 'wasm')).toBe(maxPoolGradWasm);
  });

  it.each(poolCases)('$name: matches the cpu backend', async (c) => {
    const dyShape = poolDyShape(c);
    const xV = randn(tf.util.sizeFromShape(c.x), 51);
    const dyV = randn(tf.util.sizeFromShape(dyShape), 52);
    const run = () => poolGrad(tf.tensor(dyV, dyShape), tf.tensor(xV, c.x), c);
    await expectWasmMatchesCpu(run);
  });

  it('routes each window to its maximum also when all values are negative', async () => {
    const x = tf.tensor4d([-1, -2, -3, -4, 5, -6, -7, -8], [1, 2, 4, 1]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(x);
    // Windows {-1, -2, 5, -6} and {-3, -4, -7, -8}: maxima 5 (index 4) and -3 (index 2).
    expect(Array.from(await g.data())).toEqual([0, 0, 1, 0, 1, 0, 0, 0]);
    tf.dispose([x, g]);
  });

  it('gives a tied window its gradient once, at the first maximum in row-major order', async () => {
    const x = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(x);
    expect(Array.from(await g.data())).toEqual([1, 0, 0, 0]);
    tf.dispose([x, g]);
  });

  it('leaks no tensors and no wasm buffers', async () => {
    const c = poolCases[2]!;
    const x = randomTensor(c.x, 53);
    const dy = randomTensor(poolDyShape(c), 54);
    await expectFreesEverything([x, dy], () => poolGrad(dy, x, c));
  });

  it('rejects a dy of the wrong shape with an InterpError naming the expected shape', () => {
    const c = poolCases[0]!;
    const x = tf.zeros(c.x);
    const dy = tf.zeros([2, 3, 3, 3]);
    expect(() => poolGrad(dy, x, c)).toThrow(InterpError);
    expect(() => poolGrad(dy, x, c)).toThrow(/gives \[2,4,3,3\]/);
    tf.dispose([x, dy]);
  });
});

describe('the SIMD 2x2 max-pool gradient', () => {
  it('runs on this platform (WebAssembly SIMD on the wasm backend memory)', () => {
    expect(maxPool2x2GradSimd(tf.backend())).toBeTypeOf('function');
  });

  it('routes ties to the first maximum and all-negative windows to their maximum, per channel', async () => {
    // One 2x2 window, 4 channels: [tie at 3 | all equal 0 | all negative | max last].
    const x = tf.tensor4d([3, 0, -4, 1, 1, 0, -2, 2, 3, 0, -3, 3, 2, 0, -1, 5], [1, 2, 2, 4]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')))(x);
    // Positions in row-major order (00, 01, 10, 11), channels innermost.
    expect(Array.from(await g.data())).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
    tf.dispose([x, g]);
  });
});

function reluPoolGrad(dy: tf.Tensor, input: tf.Tensor, c: PoolCase) {
  return tf.engine().runKernel(MAX_POOL_RELU_GRAD, { dy, input }, {
    filterSize: c.filterSize,
    strides: c.strides,
    pad: c.pad,
  } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

describe('maxPoolReluGradWasm (max-pool gradient times the ReLU mask of its input)', () => {
  beforeAll(() => {
    if (tf.getKernel(MAX_POOL_RELU_GRAD, 'wasm') === undefined)
      tf.registerKernel(maxPoolReluGradWasm);
  });

  it.each(poolCases)('$name: equals the cpu MaxPoolGrad times step(input)', async (c) => {
    const dyShape = poolDyShape(c);
    // ReLU outputs: about half exact zeros (ties within windows), the rest positive.
    const xV = randn(tf.util.sizeFromShape(c.x), 61).map((v) => Math.max(0, v));
    const dyV = randn(tf.util.sizeFromShape(dyShape), 62);
    await expectWasmMatchesCpu(
      () => reluPoolGrad(tf.tensor(dyV, dyShape), tf.tensor(xV, c.x), c),
      () => {
        const x = tf.tensor(xV, c.x);
        return tf.mul(poolGrad(tf.tensor(dyV, dyShape), x, c), tf.step(x));
      },
    );
  });

  it('gives no gradient to a window whose maximum is 0 (a dead ReLU), SIMD and JS paths alike', async () => {
    for (const channels of [4, 3]) {
      const x = tf.zeros([1, 2, 2, channels]);
      const dy = tf.ones([1, 1, 1, channels]);
      const dx = reluPoolGrad(dy, x, poolCases[0]!);
      expect(Array.from(await dx.data())).toEqual(new Array(4 * channels).fill(0));
      tf.dispose([x, dy, dx]);
    }
  });

  it('leaks no tensors and no wasm buffers', async () => {
    const c = poolCases[2]!;
    const x = randomTensor(c.x, 63);
    const dy = randomTensor(poolDyShape(c), 64);
    await expectFreesEverything([x, dy], () => reluPoolGrad(dy, x, c));
  });

  it('rejects a dy of the wrong shape with an InterpError naming the kernel', () => {
    const c = poolCases[0]!;
    const x = tf.zeros(c.x);
    const dy = tf.zeros([2, 3, 3, 3]);
    expect(() => reluPoolGrad(dy, x, c)).toThrow(InterpError);
    expect(() => reluPoolGrad(dy, x, c)).toThrow(/InterpMaxPoolReluGrad: dy has shape/);
    tf.dispose([x, dy]);
  });
});

/** Pools the general SIMD kernel takes: channels a multiple of 4, not whole 2x2 / stride 2 windows. */
const generalCases: PoolCase[] = [
  {
    name: '3x3 stride 2 pad 1 (ResNet stem), 8 channels, batch 2',
    x: [2, 12, 12, 8],
    filterSize: [3, 3],
    strides: [2, 2],
    pad: 1,
  },
  {
    name: '3x3 stride 2 pad 1, odd size 11x9, 4 channels',
    x: [1, 11, 9, 4],
    filterSize: [3, 3],
    strides: [2, 2],
    pad: 1,
  },
  {
    name: '3x3 stride 1 same, 4 channels, batch 2',
    x: [2, 7, 6, 4],
    filterSize: [3, 3],
    strides: [1, 1],
    pad: 'same',
  },
  {
    name: '2x2 stride 1 valid, 12 channels',
    x: [1, 5, 6, 12],
    filterSize: [2, 2],
    strides: [1, 1],
    pad: 'valid',
  },
  {
    name: '3x3 stride 3 valid (disjoint), 4 channels',
    x: [1, 9, 10, 4],
    filterSize: [3, 3],
    strides: [3, 3],
    pad: 'valid',
  },
  {
    name: '2x2 stride 2 same on 7x7 (clipped last window)',
    x: [2, 7, 7, 4],
    filterSize: [2, 2],
    strides: [2, 2],
    pad: 'same',
  },
  {
    name: '4x3 strides [2, 1] same, 8 channels',
    x: [1, 9, 7, 8],
    filterSize: [4, 3],
    strides: [2, 1],
    pad: 'same',
  },
  {
    name: '5x5 stride 2 pad 2, 16 channels',
    x: [1, 10, 11, 16],
    filterSize: [5, 5],
    strides: [2, 2],
    pad: 2,
  },
  {
    name: '1x1 stride 2 valid, 4 channels',
    x: [1, 5, 5, 4],
    filterSize: [1, 1],
    strides: [2, 2],
    pad: 'valid',
  },
];

/** Values from {-1, 0, 1, 2}: most windows hold ties. */
function tiedValues(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => Math.floor(rng.random() * 4) - 1);
}

describe('the SIMD max-pool gradient for any window, stride and padding', () => {
  it('runs on this platform (WebAssembly SIMD on the wasm backend memory)', () => {
    expect(maxPoolGradSimd(tf.backend())).toBeTypeOf('function');
  });

  it.each(generalCases)('$name: matches the cpu backend, random and tied values', async (c) => {
    const dyShape = poolDyShape(c);
    const n = tf.util.sizeFromShape(c.x);
    const dyV = randn(tf.util.sizeFromShape(dyShape), 82);
    for (const xV of [randn(n, 81), tiedValues(n, 83)]) {
      await expectWasmMatchesCpu(() => poolGrad(tf.tensor(dyV, dyShape), tf.tensor(xV, c.x), c));
    }
  });

  it.each(generalCases)(
    '$name: with a ReLU input, equals the cpu MaxPoolGrad times step(input)',
    async (c) => {
      if (tf.getKernel(MAX_POOL_RELU_GRAD, 'wasm') === undefined)
        tf.registerKernel(maxPoolReluGradWasm);
      const dyShape = poolDyShape(c);
      const xV = randn(tf.util.sizeFromShape(c.x), 84).map((v) => Math.max(0, v));
      const dyV = randn(tf.util.sizeFromShape(dyShape), 85);
      await expectWasmMatchesCpu(
        () => reluPoolGrad(tf.tensor(dyV, dyShape), tf.tensor(xV, c.x), c),
        () => {
          const x = tf.tensor(xV, c.x);
          return tf.mul(poolGrad(tf.tensor(dyV, dyShape), x, c), tf.step(x));
        },
      );
    },
  );

  it('sums overlapping windows and routes ties to the first maximum (hand-worked)', async () => {
    // One row of 5, 4 channels, 3-wide windows at stride 1 with pad 1: windows [-1..1], [0..2],
    // ..., [3..5]. Channel 0: 0 1 1 0 2 (ties at 1); channel 1: all 0; channel 2: all -1;
    // channel 3: 5 4 3 2 1.
    const rows = [
      [0, 0, -1, 5],
      [1, 0, -1, 4],
      [1, 0, -1, 3],
      [0, 0, -1, 2],
      [2, 0, -1, 1],
    ];
    const x = tf.tensor4d(rows.flat(), [1, 1, 5, 4]);
    const dy = tf.ones([1, 1, 5, 4]);
    const c: PoolCase = {
      name: '',
      x: [1, 1, 5, 4],
      filterSize: [1, 3],
      strides: [1, 1],
      pad: 'same',
    };
    const dx = poolGrad(dy, x, c);
    // Channel 0: windows pick 1, 1, 1, 4, 4 (first of the tied 1s; the 2); channel 1: 0, 0,
    // 1, 2, 3 (the first 0 of each window); channel 2 the same; channel 3: 0, 0, 1, 2, 3.
    const want = [
      [0, 2, 2, 2],
      [3, 1, 1, 1],
      [0, 1, 1, 1],
      [0, 1, 1, 1],
      [2, 0, 0, 0],
    ];
    expect(Array.from(await dx.data())).toEqual(want.flat());
    tf.dispose([x, dy, dx]);
  });

  it('routes a window holding NaN to its first NaN (the value MaxPool returns), like the JS loop', async () => {
    // 2 rows x 3 columns, 4 channels, 2x2 windows at stride 1: windows at columns 0 and 1.
    // Channel 0: NaN at (0, 1) shared by both windows; channel 1: NaN at (1, 2) only in the
    // second; channel 2: NaN at (1, 0) after a larger value; channel 3: no NaN.
    const n = Number.NaN;
    const values = [
      [0, 1, 9, 1],
      [n, 2, 1, 2],
      [5, 3, 1, 3],
      [9, 4, n, 4],
      [1, 5, 1, 5],
      [1, n, 1, 6],
    ];
    const c: PoolCase = {
      name: '',
      x: [1, 2, 3, 4],
      filterSize: [2, 2],
      strides: [1, 1],
      pad: 'valid',
    };
    const want = [
      [0, 0, 0, 0],
      [2, 0, 1, 0],
      [0, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 1, 0, 1],
      [0, 1, 0, 1],
    ].flat();
    for (const force of [undefined, 'js'] as const) {
      maxPoolGradPath.force = force;
      try {
        const got = await runOn('wasm', () =>
          poolGrad(tf.ones([1, 1, 2, 4]), tf.tensor4d(values.flat(), [1, 2, 3, 4]), c),
        );
        expect(Array.from(got)).toEqual(want);
      } finally {
        maxPoolGradPath.force = undefined;
      }
    }
  });

  it('leaks no tensors and no wasm buffers', async () => {
    const c = generalCases[0]!;
    const x = randomTensor(c.x, 86);
    const dy = randomTensor(poolDyShape(c), 87);
    await expectFreesEverything([x, dy], () => poolGrad(dy, x, c));
  });
});
