import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { childBundle } from '../test-child-bundle.js';
import { expectFreesEverything, expectWasmMatchesCpu, randomTensor } from './test-kernel-cases.js';
import { type Case, cases, type Pad } from './test-winograd-cases.js';
import { WasmKernelScope } from './wasm-kernel-scope.js';
import { winogradConv } from './winograd-conv.js';
import {
  WINOGRAD_MIN_CHANNELS,
  WINOGRAD_MIN_WORK,
  winogradConvPath,
} from './winograd-conv-wasm.js';
import { F2, F3, F4, F4H } from './winograd-simd.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

afterEach(() => {
  winogradConvPath.force = undefined;
});

const filterOf = (c: Case) => [3, 3, c.x[3], c.outChannels];
const conv = (x: tf.Tensor, w: tf.Tensor, pad: Pad) =>
  tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, pad);

/** Runs `run` on wasm with Winograd forced, checks it was taken `times` times and matches cpu. */
async function expectWinogradMatchesCpu(run: () => tf.Tensor, times = 1) {
  winogradConvPath.force = 'winograd';
  const before = winogradConvPath.calls;
  await expectWasmMatchesCpu(run);
  expect(winogradConvPath.calls - before).toBe(times);
}

describe('Winograd Conv2D and FusedConv2D on wasm', () => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i matches the cpu conv', async (i, c) => {
    await expectWinogradMatchesCpu(() =>
      conv(randomTensor(c.x, 10 + i), randomTensor(filterOf(c), 20 + i), c.pad),
    );
  });

  it.each([
    ['linear', 1],
    ['relu', 2],
    ['relu6', 3],
  ] as const)('fuses the bias and %s', async (activation, seed) => {
    const c = cases[1]!;
    await expectWinogradMatchesCpu(() =>
      tf.fused.conv2d({
        x: randomTensor(c.x, seed) as tf.Tensor4D,
        // Scaled so that relu6 clips some outputs at 6.
        filter: tf.mul(randomTensor(filterOf(c), seed + 1), 3) as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        bias: randomTensor([c.outChannels], seed + 2),
        activation,
      }),
    );
  });

  it('computes the stride-1 input gradient (a conv by the flipped filter) too', async () => {
    const c = cases[1]!;
    winogradConvPath.force = 'winograd';
    const before = winogradConvPath.calls;
    await expectWasmMatchesCpu(() => {
      const x = randomTensor(c.x, 5);
      const w = randomTensor(filterOf(c), 6);
      const dy = randomTensor([...c.x.slice(0, 3), c.outChannels], 7);
      return tf.grad((t) => tf.sum(tf.mul(conv(t, w, 'same'), dy)))(x);
    });
    // The forward conv and dx's conv (wasm only: the cpu reference runs no wasm kernel).
    expect(winogradConvPath.calls - before).toBe(2);
  });

  it('leaves other convs to XNNPACK, with the same numbers', async () => {
    winogradConvPath.force = 'winograd';
    const before = winogradConvPath.calls;
    const x8 = [2, 9, 9, 8];
    await expectWasmMatchesCpu(() =>
      tf.conv2d(
        randomTensor(x8, 1) as tf.Tensor4D,
        randomTensor([3, 3, 8, 4], 2) as tf.Tensor4D,
        2,
        'same',
      ),
    );
    await expectWasmMatchesCpu(() =>
      tf.conv2d(
        randomTensor(x8, 3) as tf.Tensor4D,
        randomTensor([5, 5, 8, 4], 4) as tf.Tensor4D,
        1,
        'same',
      ),
    );
    await expectWasmMatchesCpu(() =>
      tf.conv2d(
        randomTensor([2, 9, 9, 6], 5) as tf.Tensor4D,
        randomTensor([3, 3, 6, 4], 6) as tf.Tensor4D,
        1,
        'same',
      ),
    );
    await expectWasmMatchesCpu(() =>
      tf.conv2d(
        randomTensor(x8, 7) as tf.Tensor4D,
        randomTensor([3, 3, 8, 4], 8) as tf.Tensor4D,
        1,
        'same',
        'NHWC',
        2,
      ),
    );
    await expectWasmMatchesCpu(() =>
      tf.fused.conv2d({
        x: randomTensor(x8, 9) as tf.Tensor4D,
        filter: randomTensor([3, 3, 8, 4], 10) as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        activation: 'elu',
      }),
    );
    expect(winogradConvPath.calls).toBe(before);
  });

  it('by shape: takes 64+ channel convs with enough work, not smaller ones nor with the xnnpack switch', async () => {
    expect(WINOGRAD_MIN_CHANNELS).toBe(64);
    // 2 x 8 x 8 tiles x 64 x 64 = 2^19 multiply-adds per product: the one-thread threshold.
    expect(WINOGRAD_MIN_WORK.oneThread).toBe(2 ** 19);
    const run = (size: number, channels: number) => () =>
      conv(
        randomTensor([2, size, size, channels], channels),
        randomTensor([3, 3, channels, channels], 1),
        'same',
      );
    let before = winogradConvPath.calls;
    await expectWasmMatchesCpu(run(32, 32));
    await expectWasmMatchesCpu(run(28, 64));
    expect(winogradConvPath.calls).toBe(before);
    await expectWasmMatchesCpu(run(32, 64));
    expect(winogradConvPath.calls).toBe(before + 1);
    winogradConvPath.force = 'xnnpack';
    before = winogradConvPath.calls;
    await expectWasmMatchesCpu(run(32, 64));
    expect(winogradConvPath.calls).toBe(before);
  });

  it('frees every intermediate and, for a weight, keeps only its transformed filter', async () => {
    winogradConvPath.force = 'winograd';
    const c = cases[3]!;
    const x = randomTensor(c.x, 1);
    const w = randomTensor(filterOf(c), 2);
    await expectFreesEverything([x, w], () => conv(x, w, c.pad));
  });
});

describe('winogradConv', () => {
  it('gives the same conv with the F2, F3, F4 and F4H tiles', async () => {
    const x = randomTensor([2, 7, 6, 8], 1);
    const w = randomTensor([3, 3, 8, 4], 2);
    const backend = tf.backend();
    const results = [F2, F3, F4, F4H].map((tile) => {
      const s = new WasmKernelScope(backend);
      try {
        const out = s.keep(
          winogradConv(s, x, w, { padTop: 1, padLeft: 0, outHeight: 7, outWidth: 4, tile })!,
        );
        return tf.engine().makeTensorFromTensorInfo(out);
      } finally {
        s.dispose();
      }
    });
    const expected = conv(x, w, [
      [0, 0],
      [1, 1],
      [0, 0],
      [0, 0],
    ]);
    for (const r of results) {
      expect(r.shape).toEqual([2, 7, 4, 4]);
      const diff = tf.max(tf.abs(tf.sub(r, expected))).dataSync()[0]!;
      expect(diff).toBeLessThan(1e-4 * tf.max(tf.abs(expected)).dataSync()[0]!);
    }
    tf.dispose([x, w, expected, ...results]);
  });

  it('rejects a filter that is not 3x3 or channels that are not multiples of 4, saying what to use', () => {
    const x = tf.zeros([1, 5, 5, 6]);
    const w = tf.zeros([3, 3, 6, 4]);
    const s = new WasmKernelScope(tf.backend());
    const call = () => winogradConv(s, x, w, { padTop: 1, padLeft: 1, outHeight: 5, outWidth: 5 });
    expect(call).toThrow(InterpError);
    expect(call).toThrow(
      /\[3, 3, c, k\] filter with c and k multiples of 4, got \[1,5,5,6\].*Conv2D kernel/,
    );
    s.dispose();
    tf.dispose([x, w]);
  });
});

const child = childBundle('kernels/test-winograd-child.ts', 'winograd');

describe('Winograd on WASM threads', () => {
  it('gives the one-thread numbers on 2 threads, within 1e-4 of the cpu conv, and takes Winograd', () => {
    const script = `
import * as tf from '@tensorflow/tfjs-core';
import { setupBackend, winogradConvPath } from './winograd.js';
tf.env().set('IS_TEST', true);
const rand = (n, s) => Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1);
const run = () => tf.tidy(() => {
  const x = tf.tensor4d(rand(3 * 13 * 10 * 32, 7), [3, 13, 10, 32]);
  const w = tf.tensor4d(rand(9 * 32 * 36, 9), [3, 3, 32, 36]);
  const b = tf.tensor1d(rand(36, 11));
  return Array.from(tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias: b, activation: 'relu' }).dataSync());
});
winogradConvPath.force = 'winograd';
const threaded = await setupBackend('wasm', { threads: 2 });
const a2 = run();
const calls2 = winogradConvPath.calls;
await setupBackend('wasm', { threads: false });
const a1 = run();
await setupBackend('cpu');
const c = run();
process.stdout.write(JSON.stringify({ threadCount: threaded.threadCount, a2, a1, c, calls: [calls2, winogradConvPath.calls] }), () => process.exit(0));
`;
    const r = child.run(script);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { threadCount, a2, a1, c, calls } = JSON.parse(r.stdout);
    expect(threadCount).toBe(Math.min(availableParallelism(), 2));
    expect(calls).toEqual([1, 2]);
    expect(a2).toEqual(a1);
    const scale = Math.max(...c.map(Math.abs));
    const diff = Math.max(...a1.map((v: number, i: number) => Math.abs(v - c[i])));
    expect(diff).toBeLessThanOrEqual(1e-4 * scale);
  }, 120_000);
});
