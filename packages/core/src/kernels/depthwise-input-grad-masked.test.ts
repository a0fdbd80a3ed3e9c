// convInputGradient with an input activation: the depthwise input gradient and the ReLU / ReLU6
// mask of the activation that made the conv's input, fused into the SIMD scatter on wasm (strided,
// multiplier 1, rows of whole vectors) or run as a second pass otherwise; checked against tf.grad
// through relu6/relu and the depthwise conv on the cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { activationBackward } from '../layer-chain.js';
import { convInputGradient } from '../layer-conv-step.js';
import { backendDataIds, expectCloseToReference, randn, runOn } from './test-kernel-helpers.js';

type Pad = 'valid' | 'same' | number;
interface MaskCase {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Pad;
  activation: 'relu' | 'relu6';
}

const cases: MaskCase[] = [
  // Fused: strided, multiplier 1, in_w * channels a multiple of 4.
  {
    name: 'fused relu6, 3x3 stride 2 same, 8 channels',
    x: [2, 9, 8, 8],
    filter: [3, 3, 8, 1],
    strides: [2, 2],
    pad: 'same',
    activation: 'relu6',
  },
  {
    name: 'fused relu6, MobileNetV2-like 3x3 stride 2 pad 1, 12 channels',
    x: [1, 14, 14, 12],
    filter: [3, 3, 12, 1],
    strides: [2, 2],
    pad: 1,
    activation: 'relu6',
  },
  {
    name: 'fused relu, 5x5 strides [2, 3] valid, 4 channels',
    x: [2, 11, 12, 4],
    filter: [5, 5, 4, 1],
    strides: [2, 3],
    pad: 'valid',
    activation: 'relu',
  },
  {
    name: 'fused relu6, odd width with 4 channels, stride 2 same',
    x: [1, 7, 5, 4],
    filter: [3, 3, 4, 1],
    strides: [2, 2],
    pad: 'same',
    activation: 'relu6',
  },
  // A second pass: a row that is not whole vectors, stride 1 (XNNPACK), multiplier 2.
  {
    name: 'second pass: in_w * channels odd, stride 2',
    x: [1, 9, 7, 3],
    filter: [3, 3, 3, 1],
    strides: [2, 2],
    pad: 'same',
    activation: 'relu6',
  },
  {
    name: 'second pass: stride 1',
    x: [2, 8, 8, 8],
    filter: [3, 3, 8, 1],
    strides: [1, 1],
    pad: 'same',
    activation: 'relu6',
  },
  {
    name: 'second pass: multiplier 2, stride 2',
    x: [1, 8, 8, 4],
    filter: [3, 3, 4, 2],
    strides: [2, 2],
    pad: 'same',
    activation: 'relu',
  },
];

/** The activation's input (spread so that relu6 clips at both ends), the filter and dy of a case. */
function inputsOf(c: MaskCase, seed: number) {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const pre = tf.tensor4d(
    randn(size(c.x), seed).map((v) => v * 4),
    c.x,
  );
  const filter = tf.tensor4d(randn(size(c.filter), seed + 1), c.filter);
  const act = (p: tf.Tensor) => (c.activation === 'relu6' ? tf.relu6(p) : tf.relu(p));
  const yShape = tf.tidy(
    () => tf.depthwiseConv2d(act(pre) as tf.Tensor4D, filter, c.strides, c.pad).shape,
  );
  const dy = tf.tensor(
    randn(
      yShape.reduce((a, b) => a * b, 1),
      seed + 2,
    ),
    yShape,
  );
  return { pre, filter, dy, act };
}

/** tf.grad through the activation and the conv: d(sum(dy * conv(act(pre)))) / d(pre). */
function reference(c: MaskCase, seed: number): tf.Tensor {
  const { pre, filter, dy, act } = inputsOf(c, seed);
  const g = tf.grad((p: tf.Tensor) =>
    tf.sum(tf.mul(tf.depthwiseConv2d(act(p) as tf.Tensor4D, filter, c.strides, c.pad), dy)),
  )(pre);
  tf.dispose([pre, filter, dy]);
  return g;
}

function masked(c: MaskCase, seed: number, fuse = true): tf.Tensor {
  const { pre, filter, dy, act } = inputsOf(c, seed);
  const x = act(pre);
  const spec = {
    kind: 'depthwise' as const,
    strides: c.strides,
    dilations: [1, 1] as [number, number],
  };
  const pad =
    typeof c.pad === 'number'
      ? ([
          [0, 0],
          [c.pad, c.pad],
          [c.pad, c.pad],
          [0, 0],
        ] as [number, number][])
      : c.pad;
  const dx = fuse
    ? convInputGradient(spec, dy, x.shape, filter, pad as never, { activation: c.activation, x })
    : tf.tidy(() =>
        activationBackward(
          c.activation,
          convInputGradient(spec, dy, x.shape, filter, pad as never),
          x,
        ),
      );
  tf.dispose([pre, filter, dy, x]);
  return dx;
}

describe('convInputGradient with an input activation (depthwise)', () => {
  beforeAll(async () => {
    await setupBackend('wasm');
  });

  it.each(cases)('$name: equals tf.grad on the cpu backend', async (c) => {
    const want = await runOn('cpu', () => reference(c, 21));
    const got = await runOn('wasm', () => masked(c, 21));
    expectCloseToReference(got, want);
  });

  it.each(cases)(
    '$name: bit for bit the unfused kernel and activationBackward on wasm',
    async (c) => {
      const fused = await runOn('wasm', () => masked(c, 31));
      const separate = await runOn('wasm', () => masked(c, 31, false));
      expect(Array.from(fused)).toEqual(Array.from(separate));
    },
  );

  it('runs no separate mask pass when it fuses the mask', async () => {
    const kernels = async (c: MaskCase) =>
      (await tf.profile(() => masked(c, 71))).kernels.map((k) => k.name);
    for (const c of [cases[0]!, cases[2]!]) {
      const names = await kernels(c);
      expect(names).toContain('DepthwiseConv2dNativeBackpropInput');
      expect(names).not.toContain('InterpCappedReluGrad');
    }
  });

  it('equals tf.grad on the cpu backend there too (not wasm)', async () => {
    const c = cases[0]!;
    const want = await runOn('cpu', () => reference(c, 41));
    const got = await runOn('cpu', () => masked(c, 41));
    expectCloseToReference(got, want);
  });

  it('leaks no tensors and no wasm buffers (fused and second pass)', async () => {
    for (const c of [cases[0]!, cases[4]!, cases[5]!]) {
      tf.dispose(masked(c, 51)); // warm: kernels register, filters derive once
      const [tensors, ids] = [tf.memory().numTensors, backendDataIds()];
      tf.dispose(masked(c, 52));
      expect([c.name, tf.memory().numTensors, backendDataIds()]).toEqual([c.name, tensors, ids]);
    }
  });

  it('rejects a masking input of the wrong shape with an InterpError', () => {
    const c = cases[0]!;
    const { pre, filter, dy } = inputsOf(c, 61);
    const wrong = tf.zeros([2, 9, 8, 4]);
    const spec = {
      kind: 'depthwise' as const,
      strides: c.strides,
      dilations: [1, 1] as [number, number],
    };
    const run = () =>
      convInputGradient(spec, dy, pre.shape, filter, 'same', { activation: 'relu6', x: wrong });
    expect(run).toThrow(InterpError);
    expect(run).toThrow(/the conv's input is \[2,9,8,8\]/);
    tf.dispose([pre, filter, dy, wrong]);
  });
});
