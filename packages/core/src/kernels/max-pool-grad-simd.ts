// A 2x2 / stride 2 max-pool gradient in WebAssembly SIMD, run directly on the tfjs wasm
// backend's memory. The JS loop it replaces spends ~11 ns per window on unpredictable branches
// (which of four values is the first strict maximum); here four windows go through a handful of
// branch-free vector compares and selects.

import {
  ADD,
  BR_IF,
  block,
  F32_ADD,
  F32_LOAD,
  F32_STORE,
  F32X4_GT,
  F32X4_MUL,
  F32X4_NE,
  f32x4Const,
  forLoop,
  get,
  I32X4_SPLAT,
  i32c,
  loop,
  MUL,
  SELECT,
  SHL,
  SUB,
  set,
  sumOf,
  tee,
  V_AND,
  V_ANDNOT,
  V_BITSELECT,
  V_LOAD,
  V_OR,
  V_STORE,
  when,
} from '../wasm-assembler.js';
import { forEachWindowGroup, type WindowArgs, windowLocals } from './max-pool-window.js';
import { bindKernel, type KernelSource } from './wasm-simd-module.js';

const [X, G, DX, RELU] = [0, 1, 2, 9];
const L = windowLocals(3, 10);
const [V0, V1, V2, V3, BEST, M0, M1, M2, M3, GV, T, ONE, ZERO, NEG_INF] = [
  20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
];

/** Loads the value at `x + off + extra...` into `v`. */
const loadAt = (v: number, ...extra: number[]) => [
  ...sumOf(X, L.off, ...extra),
  ...V_LOAD,
  ...set(v),
];
/**
 * best = v > best (or v is the window's first NaN) ? v : best, keeping the mask in `m` (a later
 * strict maximum wins the slot; nothing beats a NaN, which the forward pool returns).
 */
const takeIfGreater = (v: number, m: number, best = BEST) => [
  ...get(v),
  ...get(best),
  ...get(v),
  ...get(best),
  ...F32X4_GT,
  ...get(v),
  ...get(v),
  ...F32X4_NE,
  ...get(best),
  ...get(best),
  ...F32X4_NE,
  ...V_ANDNOT,
  ...V_OR,
  ...tee(m),
  ...V_BITSELECT,
  ...set(best),
];
/** Stores `gv & value` at `dx + off + extra...`, `value` computed by `mask`. */
const storeAt = (mask: number[], ...extra: number[]) => [
  ...sumOf(DX, L.off, ...extra),
  ...get(GV),
  ...mask,
  ...V_AND,
  ...V_STORE,
];

const channelGroup = [
  ...loadAt(V0),
  ...loadAt(V1, L.cBytes),
  ...loadAt(V2, L.rowBytes),
  ...loadAt(V3, L.rowBytes, L.cBytes),
  // First strict maximum in row-major order, as tfjs's cpu kernel, or the first NaN (the
  // forward MaxPool returns NaN for it): the last position that took the running maximum
  // (which starts at -Infinity) holds it.
  ...get(NEG_INF),
  ...set(BEST),
  ...takeIfGreater(V0, M0),
  ...takeIfGreater(V1, M1),
  ...takeIfGreater(V2, M2),
  ...takeIfGreater(V3, M3),
  ...get(L.cursor),
  ...V_LOAD,
  ...set(GV),
  // With a ReLU before the pool: times step(max) = 1 above zero, else 0 (tf.grad's ReLU mask).
  ...when(get(RELU), [
    ...get(GV),
    ...get(ONE),
    ...get(BEST),
    ...get(ZERO),
    ...F32X4_GT,
    ...V_AND,
    ...F32X4_MUL,
    ...set(GV),
  ]),
  ...storeAt(get(M3), L.rowBytes, L.cBytes),
  ...storeAt([...get(M2), ...get(M3), ...V_ANDNOT], L.rowBytes),
  ...get(M3),
  ...get(M2),
  ...V_OR,
  ...set(T),
  ...storeAt([...get(M1), ...get(T), ...V_ANDNOT], L.cBytes),
  ...get(T),
  ...get(M1),
  ...V_OR,
  ...set(T),
  ...storeAt([...get(M0), ...get(T), ...V_ANDNOT]),
  ...get(L.cursor),
  ...i32c(16),
  ...ADD,
  ...set(L.cursor),
];

const body = forEachWindowGroup(
  L,
  [
    ...f32x4Const(1),
    ...set(ONE),
    ...f32x4Const(0),
    ...set(ZERO),
    ...f32x4Const(Number.NEGATIVE_INFINITY),
    ...set(NEG_INF),
    ...get(G),
    ...set(L.cursor),
  ],
  channelGroup,
);

const source: KernelSource = {
  name: 'maxPool2x2Grad',
  params: 10,
  i32Locals: 10,
  v128Locals: 14,
  body,
};

/** `(x, dy, dx, batch, inH, inW, channels, outH, outW, relu)`, offsets in bytes. */
export type MaxPool2x2GradSimd = (
  ...args: [x: number, dy: number, dx: number, ...window: WindowArgs, relu: number]
) => void;

/**
 * The SIMD kernel bound to the wasm backend's memory, or undefined without WebAssembly SIMD or
 * with a shared memory (callers then use the JS loop). Channels must be a multiple of 4.
 */
export function maxPool2x2GradSimd(backend: unknown): MaxPool2x2GradSimd | undefined {
  return bindKernel<MaxPool2x2GradSimd>(source, backend);
}

// Any window, stride and padding (ResNet's 3x3 / stride 2 / pad 1 pool): per output pixel and
// channel group, one scan of the window clipped to the input keeps the running maximum and the
// byte offset of the value that took it; then each lane's dy is added at its offset (windows
// may overlap, so dx accumulates and must start zeroed).
const [GX, GG, GDX, GBATCH, GIN_H, GIN_W, GC, GOUT_H, GOUT_W, GFH, GFW, GSH, GSW, GTOP, GLEFT] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
];
const GRELU = 15;
const [GB, GOY, GOX, GKB, YFROM, YTO, XFROM, XTO, YY, XX, ADDR, CURSOR, C_BYTES, P, ROWB] = [
  16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
];
const [GV_X, GBEST, GIDX, GM, GGV, LANES, GNEG_INF, GONE, GZERO, NONE] = [
  31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
];
const LT_S = [0x48];
const GT_S = [0x4a];
const GE_S = [0x4e];
const I32X4_ADD = [0xfd, 0xae, 0x01];
const i32x4ExtractLane = (lane: number) => [0xfd, 0x1b, lane];
const f32x4ExtractLane = (lane: number) => [0xfd, 0x1f, lane];
const i32x4Lanes = (lanes: number[]) => [
  0xfd,
  0x0c,
  ...new Uint8Array(new Int32Array(lanes).buffer),
];

/** `for (counter = from; counter < to; counter++) body` (signed locals). */
const range = (counter: number, from: number, to: number, body: number[]) => [
  ...get(from),
  ...set(counter),
  ...block([
    ...get(counter),
    ...get(to),
    ...GE_S,
    ...BR_IF(0),
    ...loop([
      ...body,
      ...get(counter),
      ...i32c(1),
      ...ADD,
      ...tee(counter),
      ...get(to),
      ...LT_S,
      ...BR_IF(0),
    ]),
  ]),
];

/** `dst = max(0, start)` and `end = min(size, start + filter)`, start = o * stride - pad. */
const clip = (
  o: number,
  stride: number,
  pad: number,
  filter: number,
  size: number,
  from: number,
  to: number,
) => [
  ...get(o),
  ...get(stride),
  ...MUL,
  ...get(pad),
  ...SUB,
  ...tee(from),
  ...get(filter),
  ...ADD,
  ...set(to),
  ...get(to),
  ...get(size),
  ...get(to),
  ...get(size),
  ...LT_S,
  ...SELECT,
  ...set(to),
  ...get(from),
  ...i32c(0),
  ...get(from),
  ...i32c(0),
  ...GT_S,
  ...SELECT,
  ...set(from),
];

/** `dx[p] += gv[lane]` where p, the lane's winning offset, is not -1 (nothing took the max). */
const scatterLane = (lane: number) =>
  when(
    [...get(GIDX), ...i32x4ExtractLane(lane), ...tee(P), ...i32c(0), ...GE_S],
    [
      ...sumOf(GDX, P),
      ...sumOf(GDX, P),
      ...F32_LOAD,
      ...get(GGV),
      ...f32x4ExtractLane(lane),
      ...F32_ADD,
      ...F32_STORE,
    ],
  );

const generalGroup = [
  ...get(GNEG_INF),
  ...set(GBEST),
  ...get(NONE),
  ...set(GIDX),
  ...range(YY, YFROM, YTO, [
    // ROWB = (b * inH + yy) * inW * cBytes + kb
    ...get(GB),
    ...get(GIN_H),
    ...MUL,
    ...get(YY),
    ...ADD,
    ...get(GIN_W),
    ...MUL,
    ...get(C_BYTES),
    ...MUL,
    ...get(GKB),
    ...ADD,
    ...set(ROWB),
    ...range(XX, XFROM, XTO, [
      ...get(XX),
      ...get(C_BYTES),
      ...MUL,
      ...get(ROWB),
      ...ADD,
      ...tee(ADDR),
      ...get(GX),
      ...ADD,
      ...V_LOAD,
      ...set(GV_X),
      // Same rule as the 2x2 kernel: the first strict maximum in row-major order, or the
      // first NaN; the offset follows the running maximum.
      ...takeIfGreater(GV_X, GM, GBEST),
      ...get(ADDR),
      ...I32X4_SPLAT,
      ...get(LANES),
      ...I32X4_ADD,
      ...get(GIDX),
      ...get(GM),
      ...V_BITSELECT,
      ...set(GIDX),
    ]),
  ]),
  ...get(CURSOR),
  ...V_LOAD,
  ...set(GGV),
  ...when(get(GRELU), [
    ...get(GGV),
    ...get(GONE),
    ...get(GBEST),
    ...get(GZERO),
    ...F32X4_GT,
    ...V_AND,
    ...F32X4_MUL,
    ...set(GGV),
  ]),
  ...scatterLane(0),
  ...scatterLane(1),
  ...scatterLane(2),
  ...scatterLane(3),
  ...get(CURSOR),
  ...i32c(16),
  ...ADD,
  ...set(CURSOR),
];

const generalBody = [
  ...get(GC),
  ...i32c(2),
  ...SHL,
  ...set(C_BYTES),
  ...f32x4Const(1),
  ...set(GONE),
  ...f32x4Const(0),
  ...set(GZERO),
  ...f32x4Const(Number.NEGATIVE_INFINITY),
  ...set(GNEG_INF),
  ...i32x4Lanes([0, 4, 8, 12]),
  ...set(LANES),
  ...i32c(-1),
  ...I32X4_SPLAT,
  ...set(NONE),
  ...get(GG),
  ...set(CURSOR),
  ...forLoop(
    GB,
    i32c(1),
    GBATCH,
    forLoop(GOY, i32c(1), GOUT_H, [
      ...clip(GOY, GSH, GTOP, GFH, GIN_H, YFROM, YTO),
      ...forLoop(GOX, i32c(1), GOUT_W, [
        ...clip(GOX, GSW, GLEFT, GFW, GIN_W, XFROM, XTO),
        ...forLoop(GKB, i32c(16), C_BYTES, generalGroup),
      ]),
    ]),
  ),
];

const generalSource: KernelSource = {
  name: 'maxPoolGrad',
  params: 16,
  i32Locals: 15,
  v128Locals: 10,
  body: generalBody,
};

/**
 * `(x, dy, dx, batch, inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW,
 * padTop, padLeft, relu)`, offsets in bytes; `dx` must be zeroed.
 */
export type MaxPoolGradSimd = (...args: number[]) => void;

/**
 * The SIMD max-pool gradient for any window, stride and padding, bound to the wasm backend's
 * memory, or undefined where WebAssembly SIMD is unavailable. Channels must be a multiple of 4.
 */
export function maxPoolGradSimd(backend: unknown): MaxPoolGradSimd | undefined {
  return bindKernel<MaxPoolGradSimd>(generalSource, backend);
}
