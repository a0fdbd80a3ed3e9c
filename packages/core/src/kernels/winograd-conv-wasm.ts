// The wasm backend's Conv2D and FusedConv2D, wrapped: 3x3 stride-1 undilated NHWC convs with
// enough channels and work go through the Winograd conv (winograd-conv.ts; F(2x2, 3x3), 2.25x
// fewer multiplies than XNNPACK's direct conv, for forwards, F(4x4, 3x3) (F4H), 4x fewer, for the
// stride-1 input gradient: see defaultWinogradTile; bench/winograd.bench.mjs), everything else through the
// kernel the wrapper replaced. Every path that runs a conv on wasm benefits: tf.conv2d, layers and
// ONNX forwards, and the stride-1 input gradient (a conv by the flipped filter).
import {
  backend_util,
  Conv2D,
  FusedConv2D,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  registerKernel,
  type TensorInfo,
  unregisterKernel,
} from '@tensorflow/tfjs-core';
import { InterpError } from '../errors.js';
import { WasmKernelScope } from './wasm-kernel-scope.js';
import { winogradConv } from './winograd-conv.js';
import { F2, F3, F4, F4H, type WinogradTile } from './winograd-simd.js';

/**
 * Smallest in and out channel counts taken by Winograd (bench/winograd.bench.mjs: at 16 and 32
 * channels the t * t small matmuls lost to XNNPACK's direct conv on every shape measured).
 */
export const WINOGRAD_MIN_CHANNELS = 64;

/**
 * Smallest multiply-adds per transform-point product (tiles x in x out channels) taken by
 * Winograd, on one thread and on the threaded build (bench/winograd.bench.mjs, F(4x4,3x3)): 1M won
 * by 1.4-2.2x on one thread (1x14x14x256, 1x7x7x512) and 100k lost 2x (2x28x28x32); on 2 threads
 * each of the 36 matmuls pays the pool's wake-up (0.4-0.6 ms each on a loaded machine), so 2M
 * lost by 1.3-1.9x (2x7x7x512, 2x14x14x256) and 8M and up won by 1.3-1.5x. With F(2x2,3x3), the
 * default (16 matmuls), the threaded build takes the same threshold: whole-process
 * `interp attribute --method ig` on ResNet-18 (2 images, 50 steps, 2 threads, load ~1.8) took
 * 14.0-17.0 s against 17.7-19.6 s with 2^22 (then only the largest convs were Winograd's).
 */
export const WINOGRAD_MIN_WORK = { oneThread: 2 ** 19, threaded: 2 ** 19 };

/** The threaded wasm build (its memory is shared with the pthread workers). */
function isThreaded(backend: unknown): boolean {
  const module = (backend as { wasm?: { asm?: { memory?: unknown }; wasmMemory?: unknown } }).wasm;
  const memory = (module?.asm?.memory ?? module?.wasmMemory) as WebAssembly.Memory | undefined;
  return typeof SharedArrayBuffer !== 'undefined' && memory?.buffer instanceof SharedArrayBuffer;
}

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
const envSwitch = env?.INTERP_WINOGRAD;

/**
 * What a tile is chosen from: the kernel (Conv2D or FusedConv2D: forwards; Conv2DBackpropInput:
 * the stride-1 input gradient, winogradFlippedConv) and the output size.
 */
export interface WinogradConvSite {
  kernel: 'Conv2D' | 'FusedConv2D' | 'Conv2DBackpropInput';
  outHeight: number;
  outWidth: number;
}

/** Picks the tile of a conv Winograd computes. */
export type WinogradTilePolicy = (site: WinogradConvSite) => WinogradTile;

const TILES: Record<string, WinogradTile> = { F2, F3, F4, F4H };

/**
 * A tile policy from its spec (the benchmark hook `INTERP_WINOGRAD_TILE` takes the same): a tile
 * name (F2, F3, F4, F4H) for every conv, or `A/B` for A in forwards and B in input gradients; a name
 * ending in `%4` takes that tile where both output sides are multiples of its m, F2 elsewhere.
 *
 * @example
 * ```ts
 * winogradConvPath.tile = winogradTilePolicy('F4H%4/F4'); // F2 for 14x14 and 7x7 forwards
 * ```
 */
export function winogradTilePolicy(spec: string): WinogradTilePolicy {
  const one = (part: string): WinogradTilePolicy => {
    const bySize = part.endsWith('%4');
    const t = TILES[bySize ? part.slice(0, -2) : part];
    if (t === undefined)
      throw new InterpError(
        'INVALID_ARGUMENT',
        `unknown Winograd tile '${part}' in '${spec}'; use ${Object.keys(TILES).join(', ')}, optionally with %4, as A or A/B`,
      );
    return bySize
      ? (site) => (site.outHeight % t.m === 0 && site.outWidth % t.m === 0 ? t : F2)
      : () => t;
  };
  const parts = spec.split('/');
  if (parts.length > 2)
    throw new InterpError(
      'INVALID_ARGUMENT',
      `Winograd tile spec '${spec}' has more than one '/'; use A or A/B (forward/input gradient)`,
    );
  const [f, p] = [one(parts[0]!), one(parts[1] ?? parts[0]!)];
  return (site) => (site.kernel === 'Conv2DBackpropInput' ? p : f)(site);
}

/**
 * The default: F2 in forwards (Conv2D, FusedConv2D) and, in the stride-1 input gradient
 * (Conv2DBackpropInput), F4H (F(4x4,3x3) on 0, ±1, 1/2, -2) where both output sides are
 * multiples of 4, F2 elsewhere (`F2/F4H%4`). At 14x14 and 7x7 F4H's tiles overhang the output
 * (16x16, 8x8) and its 36 planes per conv were XNNPACK's largest packed copies: ResNet-18's three
 * 7x7x512 convs alone held 113 of the 145 MB F4H packed (bench/ig-heap-composition.bench.mjs),
 * each byte a fresh page's first touch. F2 there (stop 29, 2 threads, IG in 12-row chunks, 5
 * interleaved whole processes, load 7-9): XNNPACK's packed bytes 238 -> 163 MB, peak heap 618-632
 * -> 530 MB, max RSS 819 -> 752 MB (0.92x), minor faults 0.94x, process CPU 0.98x, wall 1.00x;
 * one input gradient alone (batch 12 and 4): F2 / F4H 0.92-1.05x at 7x7x512, 0.87-0.93x at
 * 14x14x256 (load ~7.5). The forward's rounding flips ReLU masks near
 * zero, which moves IG's largest attributions; the input gradient's is averaged out: whole-process
 * `interp attribute --method ig` on ResNet-18 (2 images, 50 steps, 2 threads;
 * bench/winograd-tile-ig.bench.mjs, 5 interleaved rounds) moved the attributions 1.35e-3 of the
 * largest from Captum's with an F4 or F4H input gradient as with F2 everywhere (F4 forwards
 * 4.2e-3, F4H forwards 1.7e-3). Time against F2 everywhere: F4 input gradient 44.3 vs 50.7 s
 * (0.87x, load 6-18) and 31.7 vs 33.2 s (0.95x, load 3-5); F4H 27.0 s in the second run (0.81x).
 * F4H for its per-conv error (median 4.1x the direct float32 conv's on ResNet-18, worst 7.8x;
 * F4 9.4x, worst 25.6x: bench/winograd-tile-error.py).
 *
 * Forwards stay F2 (stop 28, bench/winograd-forward-tile.bench.mjs; load 10-17, so speed is
 * CPU time): F4H forwards (everywhere, or `F4H%4`: 56x56 and 28x28 only) kept IG within 1.1e-3
 * to 1.7e-3 of Captum's on ResNet-18 and a deeper ResNet-34, and logits within 1.7e-6 of float64
 * torch's, but were not shown faster. One forward conv alone (1 thread, batch 10): 0.70x at
 * 56x56x64, 0.66x at 28x28x128, 0.92x at 14x14x256, 1.23x at 7x7x512 (36 filter planes read for
 * few tiles); GradCAM 1 thread x1 1.05x (`F4H%4` 0.97x), x8 0.93x (0.86x), 2 threads x1 1.40x
 * (1.15x), x8 1.08x (1.03x); whole-process `interp attribute --method ig` on ResNet-18 at 1
 * thread (5 interleaved rounds): CPU 0.95x (0.98x), wall 1.09x (1.00x); 2 threads (F4H): CPU
 * 1.09x, wall 0.99x - far from the 1.78x
 * fewer matmul multiplies (the 7x7 convs lose; the transforms were not timed apart).
 */
export const defaultWinogradTile: WinogradTilePolicy = (site) =>
  site.kernel === 'Conv2DBackpropInput' &&
  site.outHeight % F4H.m === 0 &&
  site.outWidth % F4H.m === 0
    ? F4H
    : F2;

/**
 * Test and benchmark hook: `force` picks a path for every conv Winograd can compute
 * (`'winograd'` also below the size thresholds), `undefined` chooses by shape; `calls` counts
 * the convs Winograd computed. The environment variable `INTERP_WINOGRAD=0` starts it at
 * `'xnnpack'`. Internal to @interp/core.
 */
export const winogradConvPath: {
  force: 'winograd' | 'xnnpack' | undefined;
  calls: number;
  tile: WinogradTilePolicy;
} = {
  force: envSwitch === '0' ? 'xnnpack' : undefined,
  calls: 0,
  tile: env?.INTERP_WINOGRAD_TILE
    ? winogradTilePolicy(env.INTERP_WINOGRAD_TILE)
    : defaultWinogradTile,
};

const pair = (v: number | [number, number] | undefined): [number, number] =>
  v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : v;

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
}

/**
 * The Winograd conv of a kernel call, or undefined when it is not one Winograd takes. `flipped`:
 * the conv is by `filter` rotated by 180 degrees with its channels swapped (winogradFlippedConv).
 */
function winogradKernel(
  kernel: 'Conv2D' | 'FusedConv2D',
  inputs: Record<string, TensorInfo | undefined>,
  a: ConvAttrs,
  backend: unknown,
  flipped = false,
): TensorInfo | undefined {
  const force = winogradConvPath.force;
  if (force === 'xnnpack') return undefined;
  const { x, filter, bias, preluActivationWeights } = inputs;
  if (x === undefined || filter === undefined || preluActivationWeights !== undefined)
    return undefined;
  const activation = a.activation ?? 'linear';
  if (activation !== 'linear' && activation !== 'relu' && activation !== 'relu6') return undefined;
  if (x.dtype !== 'float32' || filter.dtype !== 'float32' || (a.dataFormat ?? 'NHWC') !== 'NHWC')
    return undefined;
  if (x.shape.length !== 4) return undefined;
  const [fh, fw, fa, fb] = filter.shape as [number, number, number, number];
  const [c, k] = flipped ? [fb, fa] : [fa, fb];
  const strides = pair(a.strides);
  const dilations = pair(a.dilations);
  if (fh !== 3 || fw !== 3 || c !== x.shape[3] || c % 4 !== 0 || k % 4 !== 0) return undefined;
  if (strides[0] !== 1 || strides[1] !== 1 || dilations[0] !== 1 || dilations[1] !== 1)
    return undefined;
  if (
    bias !== undefined &&
    (bias.dtype !== 'float32' || bias.shape.reduce((p, d) => p * d, 1) !== k)
  )
    return undefined;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    [fh, fw, c, k],
    strides,
    dilations,
    a.pad,
    a.dimRoundingMode,
  );
  const tiles = info.batchSize * Math.ceil(info.outHeight / 4) * Math.ceil(info.outWidth / 4);
  if (info.outHeight < 1 || info.outWidth < 1) return undefined;
  if (force === undefined) {
    const minWork = isThreaded(backend) ? WINOGRAD_MIN_WORK.threaded : WINOGRAD_MIN_WORK.oneThread;
    if (Math.min(c, k) < WINOGRAD_MIN_CHANNELS || tiles * c * k < minWork) return undefined;
  }
  const s = new WasmKernelScope(backend);
  try {
    const out = winogradConv(s, x, filter, {
      padTop: info.padInfo.top,
      padLeft: info.padInfo.left,
      outHeight: info.outHeight,
      outWidth: info.outWidth,
      bias,
      activation,
      flipped,
      tile: winogradConvPath.tile({
        kernel: flipped ? 'Conv2DBackpropInput' : kernel,
        outHeight: info.outHeight,
        outWidth: info.outWidth,
      }),
    });
    if (out === undefined) return undefined;
    winogradConvPath.calls++;
    return s.keep(out);
  } finally {
    s.dispose();
  }
}

/**
 * The stride-1 input gradient's conv by Winograd: `dy` correlated with the forward `[3, 3, c, k]`
 * `filter` rotated by 180 degrees with its channels swapped, the flip fused into the filter
 * transform (no flipped filter is made); undefined when Winograd does not take the conv (then
 * conv by `WasmKernelScope.flippedFilter`).
 *
 * @example
 * ```ts
 * const dx = winogradFlippedConv(backend, dy, filter, pad) ?? s.conv('Conv2D', dy, s.flippedFilter(filter, true), [1, 1], pad, [1, 1]);
 * ```
 */
export function winogradFlippedConv(
  backend: unknown,
  dy: TensorInfo,
  filter: TensorInfo,
  pad: backend_util.ExplicitPadding,
): TensorInfo | undefined {
  const attrs = { strides: 1, pad, dilations: 1 };
  return winogradKernel('Conv2D', { x: dy, filter }, attrs, backend, true);
}

const wrappers = new WeakSet<KernelFunc>();

function wrap(kernel: 'Conv2D' | 'FusedConv2D', original: KernelFunc): KernelFunc {
  const kernelFunc: KernelFunc = (args) =>
    winogradKernel(
      kernel,
      args.inputs as Record<string, TensorInfo | undefined>,
      args.attrs as unknown as ConvAttrs,
      args.backend,
    ) ?? original(args);
  wrappers.add(kernelFunc);
  return kernelFunc;
}

/**
 * Wraps the registered wasm `Conv2D` and `FusedConv2D` (tfjs-backend-wasm's XNNPACK kernels) so
 * that the convs Winograd computes faster take it; the rest, and all of them when WebAssembly
 * SIMD is missing, take the wrapped kernel. The wrapper keeps the original's `setupFunc` (its
 * binding to the wasm module). Idempotent; called by `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * registerWinogradConvKernels();
 * tf.conv2d(x, w3x3, 1, 'same'); // Winograd for 64+ channels and enough pixels on wasm
 * ```
 */
export function registerWinogradConvKernels(): void {
  for (const name of [Conv2D, FusedConv2D] as const) {
    const existing = getKernel(name, 'wasm');
    if (existing === undefined || wrappers.has(existing.kernelFunc)) continue;
    const config: KernelConfig = { ...existing, kernelFunc: wrap(name, existing.kernelFunc) };
    unregisterKernel(name, 'wasm');
    registerKernel(config);
  }
}
