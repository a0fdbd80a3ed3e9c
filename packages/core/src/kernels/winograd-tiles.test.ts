import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../backend.js';
import { InterpError } from '../errors.js';
import { randomTensor } from './test-kernel-cases.js';
import { cases, type Pad } from './test-winograd-cases.js';
import {
  defaultWinogradTile,
  type WinogradConvSite,
  winogradConvPath,
  winogradTilePolicy,
} from './winograd-conv-wasm.js';
import { F2, F3, F4, F4H, type WinogradTile } from './winograd-simd.js';

beforeAll(async () => {
  await setupBackend('wasm');
});

afterEach(() => {
  winogradConvPath.force = undefined;
  winogradConvPath.tile = defaultWinogradTile;
});

/** `run` on `backend`, as a plain array. */
async function on(backend: 'cpu' | 'wasm', run: () => tf.Tensor): Promise<Float32Array> {
  await tf.setBackend(backend);
  const out = run();
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

/** max |wasm - cpu| / max |cpu| of `run`, with Winograd forced to `tile` on wasm. */
async function relativeError(tile: WinogradTile, run: () => tf.Tensor): Promise<number> {
  winogradConvPath.force = 'winograd';
  winogradConvPath.tile = () => tile;
  const before = winogradConvPath.calls;
  const ours = await on('wasm', run);
  expect(winogradConvPath.calls).toBeGreaterThan(before);
  const ref = await on('cpu', run);
  await tf.setBackend('wasm');
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < ref.length; i++) {
    scale = Math.max(scale, Math.abs(ref[i]!));
    diff = Math.max(diff, Math.abs(ours[i]! - ref[i]!));
  }
  return diff / scale;
}

const conv = (x: tf.Tensor, w: tf.Tensor, pad: Pad) =>
  tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, pad);

/**
 * Bounds on max |wasm - cpu| / max |cpu| over winograd-conv-wasm.test.ts's shapes (4-12
 * channels) and a 64-channel 14x14 FusedConv2D, about 2x the largest measured (the cpu conv is
 * float32 too). Measured, small shapes / 64 channels: F2 3.2e-7 / 5.3e-7, F3 9.4e-7 / 1.5e-6,
 * F4 2.1e-6 / 4.9e-6, F4H 1.2e-6 / 1.6e-6. bench/winograd-tile-error.py has the per-conv error
 * on ResNet-18's real activations and output gradients against float64 (median of max |err| /
 * max |ref| over its convs, as a multiple of the direct float32 conv's: F2 0.9x, F3 3.5x,
 * F4 9.4x, F4H 4.1x; worst conv 1.8x, 10.4x, 25.6x, 7.8x).
 */
const bounds: [string, WinogradTile, number][] = [
  ['F2', F2, 1e-6],
  ['F3', F3, 3e-6],
  ['F4', F4, 1e-5],
  ['F4H', F4H, 3.5e-6],
];

describe.each(bounds)('Winograd tile %s', (_name, tile, bound) => {
  it.each(cases.map((c, i) => [i, c] as const))('case %i matches the cpu conv', async (i, c) => {
    const e = await relativeError(tile, () =>
      conv(randomTensor(c.x, 10 + i), randomTensor([3, 3, c.x[3], c.outChannels], 20 + i), c.pad),
    );
    expect(e).toBeLessThanOrEqual(bound);
  });

  it('matches the cpu conv with 64 channels, a bias and relu (FusedConv2D)', async () => {
    const e = await relativeError(tile, () =>
      tf.fused.conv2d({
        x: tf.relu(randomTensor([2, 14, 14, 64], 3)) as tf.Tensor4D,
        filter: tf.mul(randomTensor([3, 3, 64, 64], 4), Math.sqrt(2 / 576)) as tf.Tensor4D,
        strides: 1,
        pad: 'same',
        bias: randomTensor([64], 5),
        activation: 'relu',
      }),
    );
    expect(e).toBeLessThanOrEqual(bound);
  });
});

describe('Winograd tile policy', () => {
  it('is asked with the kernel and output size, forward (FusedConv2D) and input gradient (Conv2DBackpropInput)', async () => {
    const sites: WinogradConvSite[] = [];
    winogradConvPath.force = 'winograd';
    winogradConvPath.tile = (site) => {
      sites.push(site);
      return F4H;
    };
    await tf.setBackend('wasm');
    const x = randomTensor([1, 8, 6, 8], 1);
    const w = randomTensor([3, 3, 8, 4], 2);
    const b = randomTensor([4], 3);
    const dx = tf.grad((t) =>
      tf.sum(
        tf.fused.conv2d({
          x: t as tf.Tensor4D,
          filter: w as tf.Tensor4D,
          strides: 1,
          pad: 'same',
          bias: b,
        }),
      ),
    )(x);
    expect(sites).toEqual([
      { kernel: 'FusedConv2D', outHeight: 8, outWidth: 6 },
      { kernel: 'Conv2DBackpropInput', outHeight: 8, outWidth: 6 },
    ]);
    tf.dispose([x, w, b, dx]);
  });

  it('parses specs: one tile, forward/input-gradient pairs, and %4 for sizes that are multiples', () => {
    const site = (kernel: WinogradConvSite['kernel'], size: number): WinogradConvSite => ({
      kernel,
      outHeight: size,
      outWidth: size,
    });
    expect(winogradTilePolicy('F3')(site('Conv2D', 7))).toBe(F3);
    const mixed = winogradTilePolicy('F4H%4/F4');
    expect(mixed(site('FusedConv2D', 56))).toBe(F4H);
    expect(mixed(site('FusedConv2D', 14))).toBe(F2);
    expect(mixed(site('Conv2D', 14))).toBe(F2);
    expect(mixed(site('Conv2DBackpropInput', 14))).toBe(F4);
  });

  it('defaults to F2 in forwards (at every size: F4H forwards were not faster, stop 28) and F4H in input gradients whose sides are multiples of 4 (F2 at 14x14 and 7x7, stop 29)', () => {
    for (const size of [56, 28, 14, 7]) {
      for (const kernel of ['FusedConv2D', 'Conv2D'] as const) {
        expect(defaultWinogradTile({ kernel, outHeight: size, outWidth: size })).toBe(F2);
      }
    }
    const inputGradient = (outHeight: number, outWidth: number) =>
      defaultWinogradTile({ kernel: 'Conv2DBackpropInput', outHeight, outWidth });
    expect(inputGradient(56, 56)).toBe(F4H);
    expect(inputGradient(28, 28)).toBe(F4H);
    expect(inputGradient(14, 14)).toBe(F2);
    expect(inputGradient(7, 7)).toBe(F2);
    expect(inputGradient(28, 14)).toBe(F2);
    expect(winogradConvPath.tile).toBe(defaultWinogradTile);
  });

  it('rejects an unknown tile or a spec with two slashes, naming the tiles to use', () => {
    expect(() => winogradTilePolicy('F5')).toThrow(InterpError);
    expect(() => winogradTilePolicy('F2/F5')).toThrow(
      /unknown Winograd tile 'F5'.*F2, F3, F4, F4H/,
    );
    expect(() => winogradTilePolicy('F2/F4/F4')).toThrow(/more than one '\/'.*A\/B/);
  });

  it('leaks no tensors', async () => {
    winogradConvPath.force = 'winograd';
    winogradConvPath.tile = () => F3;
    const x = randomTensor([1, 7, 7, 8], 1);
    const w = randomTensor([3, 3, 8, 8], 2);
    conv(x, w, 'same').dispose(); // caches the transformed filter
    const before = tf.memory().numTensors;
    conv(x, w, 'same').dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w]);
  });
});
