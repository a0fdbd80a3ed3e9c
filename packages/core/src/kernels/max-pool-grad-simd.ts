// A 2x2 / stride 2 max-pool gradient in WebAssembly SIMD, run directly on the tfjs wasm
// backend's memory. The JS loop it replaces spends ~11 ns per window on unpredictable branches
// (which of four values is the first strict maximum); here four windows go through a handful of
// branch-free vector compares and selects.

import {
  ADD,
  F32X4_GT,
  F32X4_MUL,
  F32X4_NE,
  f32x4Const,
  get,
  i32c,
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
const takeIfGreater = (v: number, m: number) => [
  ...get(v),
  ...get(BEST),
  ...get(v),
  ...get(BEST),
  ...F32X4_GT,
  ...get(v),
  ...get(v),
  ...F32X4_NE,
  ...get(BEST),
  ...get(BEST),
  ...F32X4_NE,
  ...V_ANDNOT,
  ...V_OR,
  ...tee(m),
  ...V_BITSELECT,
  ...set(BEST),
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
