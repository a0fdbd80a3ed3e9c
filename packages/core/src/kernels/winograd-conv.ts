// A 3x3 stride-1 NHWC conv by Winograd's minimal filtering (winograd-simd.ts): the input padded
// so that whole tiles cover the output, the input transform (SIMD), one XNNPACK matmul per
// transform point (t * t of them, over the channels; each with its own transformed-filter tensor,
// since XNNPACK caches its packed operator per tensor id) and the output transform (SIMD, with the
// bias and ReLU/ReLU6 fused).
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { InterpError } from '../errors.js';
import { releasePackedWeights } from './derived-weight-cache.js';
import type { WasmKernelScope } from './wasm-kernel-scope.js';
import { heapOffset } from './wasm-simd-module.js';
import { filterMapKernel, winogradFilterMap } from './winograd-filter-simd.js';
import {
  F2,
  type WinogradTile,
  winogradInputKernel,
  winogradOutputKernel,
} from './winograd-simd.js';

/**
 * U = G g G^T of the `[3, 3, c, k]` filter: t * t tensors `[1, c, k]` (one per transform point,
 * so that XNNPACK keeps one packed operator per plane), computed by one SIMD pass that writes them
 * straight into the heap (winograd-filter-simd.ts); kept across calls for a weight's data (see
 * `WasmKernelScope.derived`). With `flipped`, `filter` is `[3, 3, k, c]` and the planes are those
 * of it rotated by 180 degrees with its channels swapped (the stride-1 input gradient's filter),
 * from the same pass: no flipped filter is made. Undefined without WebAssembly SIMD.
 *
 * @example
 * ```ts
 * const s = new WasmKernelScope(tf.backend());
 * const planes = winogradFilter(s, filter, F2); // 16 tensors [1, c, k]
 * s.dispose(); // frees them unless filter is a declared weight's data (then they are kept)
 * ```
 */
export function winogradFilter(
  s: WasmKernelScope,
  filter: TensorInfo,
  tile: WinogradTile,
  flipped = false,
): TensorInfo[] | undefined {
  const [, , a, b] = filter.shape as [number, number, number, number];
  const [c, k] = flipped ? [b, a] : [a, b];
  const map = filterMapKernel(s.backend, {
    ...winogradFilterMap(tile, flipped),
    a,
    b,
    swap: flipped,
  });
  if (map === undefined) return undefined;
  let made = false;
  const tag = `winograd${flipped ? '-flipped' : ''} ${tile.name}`;
  const u = Array.from({ length: tile.t * tile.t }, (_, point) =>
    s.derived(filter, `${tag} ${point}`, (d) => {
      made = true;
      return d.make([1, c, k], 'float32');
    }),
  );
  // A cache miss made the planes (all of them: they share their source); fill them in one pass.
  if (made) {
    const at = (info: TensorInfo) => heapOffset(s.backend, info.dataId);
    map(at(s.int32(u.map(at))), at(filter));
  }
  return u;
}

/** Geometry and fused epilogue of one Winograd conv. */
export interface WinogradConvOptions {
  /** Zeros above and left of the input. */
  padTop: number;
  padLeft: number;
  /** Output height and width. */
  outHeight: number;
  outWidth: number;
  /** `[outChannels]`, added to every output pixel. */
  bias?: TensorInfo;
  activation?: 'linear' | 'relu' | 'relu6';
  /**
   * F2 (default: F(2x2,3x3), about 3x XNNPACK's float32 rounding per conv) or F4 (F(4x4,3x3),
   * about 30x: ResNet-18's IG moved 7.0e-3 of the largest from Captum's, against 1.0e-3 with F2
   * and 2.0e-3 with XNNPACK, and was no faster end to end).
   */
  tile?: WinogradTile;
  /**
   * `filter` is `[3, 3, k, c]` and the conv is by it rotated by 180 degrees with its channels
   * swapped: the stride-1 input gradient's conv of dy, whose flip fuses into the filter transform.
   */
  flipped?: boolean;
}

/**
 * The conv of NHWC `x` `[n, h, w, c]` by the `[3, 3, c, k]` filter, stride 1, dilation 1; or
 * undefined where WebAssembly SIMD is unavailable. `c` and `k` must be multiples of 4. The
 * transformed filter is kept across calls for a weight's data (see `WasmKernelScope.derived`).
 */
export function winogradConv(
  s: WasmKernelScope,
  x: TensorInfo,
  filter: TensorInfo,
  options: WinogradConvOptions,
): TensorInfo | undefined {
  const { padTop, padLeft, outHeight, outWidth, bias, activation = 'linear' } = options;
  const { tile = F2, flipped = false } = options;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [fh, fw, a, b] = filter.shape as [number, number, number, number];
  const [fc, k] = flipped ? [b, a] : [a, b];
  if (x.shape.length !== 4 || fh !== 3 || fw !== 3 || fc !== c || c % 4 !== 0 || k % 4 !== 0)
    throw new InterpError(
      'INVALID_ARGUMENT',
      `winogradConv needs an NHWC input [n, h, w, c] and a [3, 3, c, k] filter${flipped ? ' (flipped: given as [3, 3, k, c])' : ''} with c and k multiples of 4, got [${x.shape}] and [${filter.shape}]; use the Conv2D kernel for other shapes`,
    );
  const { m } = tile;
  const tilesH = Math.ceil(outHeight / m);
  const tilesW = Math.ceil(outWidth / m);
  const height = tilesH * m + 2;
  const width = tilesW * m + 2;
  const input = winogradInputKernel(s.backend, {
    tile,
    n,
    tilesH,
    tilesW,
    channels: c,
    height,
    width,
  });
  const output = winogradOutputKernel(s.backend, {
    tile,
    n,
    tilesH,
    tilesW,
    channels: k,
    height: outHeight,
    width: outWidth,
    bias: bias !== undefined,
    activation,
  });
  if (input === undefined || output === undefined) return undefined;
  const u = winogradFilter(s, filter, tile, flipped);
  if (u === undefined) return undefined;
  const padded = s.run(
    'PadV2',
    { x },
    {
      paddings: [
        [0, 0],
        [padTop, height - h - padTop],
        [padLeft, width - w - padLeft],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const tiles = n * tilesH * tilesW;
  const at = (info: TensorInfo) => heapOffset(s.backend, info.dataId);
  const v = u.map(() => s.make([1, tiles, c], 'float32'));
  input(at(s.int32(v.map(at))), at(padded));
  // Each temporary is freed once read (the scope's later dispose skips it), so the products
  // and the output take freed blocks instead of new ones: the conv holds the transformed input
  // and its products (t * t planes each) only one plane at a time, not both whole.
  s.backend.disposeData(padded.dataId);
  const products = v.map((va, a) => {
    const product = s.run(
      'BatchMatMul',
      { a: va, b: u[a]! },
      { transposeA: false, transposeB: false },
    );
    s.backend.disposeData(va.dataId);
    releasePackedWeights(s.backend, [u[a]!]);
    return product;
  });
  const out = s.make([n, outHeight, outWidth, k], 'float32');
  output(at(s.int32(products.map(at))), at(out), bias === undefined ? 0 : at(bias));
  return out;
}
