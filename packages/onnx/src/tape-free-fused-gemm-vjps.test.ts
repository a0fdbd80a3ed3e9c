// The tape-free backward's hand-written vjps for the activations the executor fuses into convs
// and for Gemm, against tf.grad of the same ops written independently with tfjs ops on the cpu
// backend (the Conv cases are in tape-free-vjps.test.ts).
import { setupBackend } from '@interp/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUSABLE_ACTIVATIONS } from './graph-plan.js';
import { loadOnnxModel } from './load-onnx-model.js';
import { hasHandWrittenVjp } from './tape-free-gradient.js';
import { buildModel, type NodeSpec, randomNormal } from './test-onnx-builder.js';
import {
  type ConvCase,
  cpuGradient,
  GEMM_CASES,
  gemmFixture,
  referenceConv,
  relativeMaxError,
  tapeFreeGradient,
} from './test-tape-free-vjps.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

const fused: Record<string, { variant: string; node: NodeSpec; f: (y: tf.Tensor) => tf.Tensor }[]> =
  {
    Relu: [{ variant: 'Relu', node: { op: 'Relu', inputs: ['c'], outputs: ['a'] }, f: tf.relu }],
    Clip: [
      {
        variant: 'Clip [0, 6]',
        node: { op: 'Clip', inputs: ['c', 'lo', 'hi'], outputs: ['a'] },
        f: (y) => tf.clipByValue(y, 0, 6),
      },
      {
        variant: 'Clip [0, inf)',
        node: { op: 'Clip', inputs: ['c', 'lo'], outputs: ['a'] },
        f: tf.relu,
      },
    ],
  };

describe('activations the executor fuses into a conv', () => {
  it('each has a case here and a hand-written vjp (the conv vjp is linear: a missing mask would pass dy through)', () => {
    expect(Object.keys(fused).sort()).toEqual([...FUSABLE_ACTIVATIONS].sort());
    for (const op of FUSABLE_ACTIVATIONS) expect(hasHandWrittenVjp(op)).toBe(true);
  });

  const variants = Object.values(fused).flatMap((vs) => vs.map((v) => [v.variant, v] as const));
  it.each(variants)(
    '%s: fused in the forward, the tape-free gradient equals tf.grad on the cpu backend',
    async (_, { node, f }) => {
      const first: ConvCase = {
        name: 'c1',
        cIn: 3,
        cOut: 4,
        size: 9,
        kernel: 3,
        stride: 2,
        attrs: { pads: [1, 1, 1, 1] },
        pads: [1, 1, 1, 1],
      };
      const second: ConvCase = { ...first, name: 'c2', cIn: 4, cOut: 5, stride: 1 };
      const w1 = randomNormal(4 * 3 * 9, 31, 0.8);
      const w2 = randomNormal(5 * 4 * 9, 32, 0.5);
      const model = await loadOnnxModel(
        buildModel({
          nodes: [
            {
              op: 'Conv',
              name: 'c1',
              inputs: ['x', 'w1'],
              outputs: ['c'],
              attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] },
            },
            node,
            {
              op: 'Conv',
              inputs: ['a', 'w2'],
              outputs: ['y'],
              attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] },
            },
          ],
          input: { name: 'x', dims: ['n', 3, 9, 9] },
          output: { name: 'y' },
          initializers: [
            { name: 'w1', dims: [4, 3, 3, 3], data: w1 },
            { name: 'w2', dims: [5, 4, 3, 3], data: w2 },
            { name: 'lo', dims: [], data: [0] },
            { name: 'hi', dims: [], data: [6] },
          ],
        }),
      );
      try {
        const shape = [2, 3, 9, 9];
        const xData = randomNormal(2 * 3 * 81, 33, 2);
        const x = tf.tensor(xData, shape);
        // The masks matter: the conv's outputs reach below 0 and above 6.
        const conv = await model.run(x, { taps: ['c1'] }).taps.c1!;
        const values = await conv.data();
        conv.dispose();
        expect(Math.min(...values)).toBeLessThan(0);
        expect(Math.max(...values)).toBeGreaterThan(6);
        // Fused: the forward runs no activation kernel of its own.
        const profile = await tf.profile(() => model.predict(x));
        tf.dispose(profile.result as tf.Tensor);
        expect(profile.kernelNames).toContain('FusedConv2D');
        expect(profile.kernelNames.filter((k) => /relu|clip/i.test(k))).toEqual([]);
        const { ours, r } = await tapeFreeGradient(model, x);
        const expected = await cpuGradient(
          (input) => referenceConv(second, f(referenceConv(first, input, w1)), w2),
          xData,
          shape,
          r,
        );
        expect(relativeMaxError(ours, expected)).toBeLessThan(1e-5);
        x.dispose();
      } finally {
        model.dispose();
      }
    },
  );
});

describe('the tape-free Gemm vjp', () => {
  it.each(GEMM_CASES)(
    '%s: equals tf.grad on the cpu backend, no leaks',
    async (_, attrs, transA) => {
      const { model, shape, xData, reference } = await gemmFixture(attrs, transA, {
        relu: false,
        seed: 41,
      });
      try {
        const x = tf.tensor(xData, shape);
        const { ours, r } = await tapeFreeGradient(model, x);
        expect(relativeMaxError(ours, await cpuGradient(reference, xData, shape, r))).toBeLessThan(
          1e-5,
        );
        x.dispose();
      } finally {
        model.dispose();
      }
    },
  );
});
