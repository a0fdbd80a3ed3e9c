// A 2x2 / stride 2 max pool in WebAssembly SIMD on the tfjs wasm backend's memory: four channels
// at a time, `f32x4.max` of the four window values. f32x4.max returns NaN when either lane is
// NaN, so a NaN anywhere in a window gives NaN (XNNPACK's pool, which tfjs-backend-wasm uses,
// turns it into -Infinity or drops it).

import { ADD, F32X4_MAX, get, i32c, set, sumOf, V_LOAD, V_STORE } from '../wasm-assembler.js';
import { forEachWindowGroup, type WindowLocals } from './max-pool-window.js';
import { bindKernel, type KernelSource } from './wasm-simd-module.js';

const [X, Y] = [0, 1];
const [YP] = [15];
const L: WindowLocals = {
  batch: 2,
  inH: 3,
  inW: 4,
  c: 5,
  outH: 6,
  outW: 7,
  b: 8,
  oy: 9,
  ox: 10,
  kb: 11,
  row: 12,
  base: 13,
  off: 14,
  rowBytes: 16,
  cBytes: 17,
};

/** Pushes the value at `x + off + extra...`. */
const loadAt = (...extra: number[]) => [...sumOf(X, L.off, ...extra), ...V_LOAD];

const channelGroup = [
  ...get(YP),
  ...loadAt(),
  ...loadAt(L.cBytes),
  ...F32X4_MAX,
  ...loadAt(L.rowBytes),
  ...loadAt(L.rowBytes, L.cBytes),
  ...F32X4_MAX,
  ...F32X4_MAX,
  ...V_STORE,
  ...get(YP),
  ...i32c(16),
  ...ADD,
  ...set(YP),
];

const body = forEachWindowGroup(L, [...get(Y), ...set(YP)], channelGroup);

const source: KernelSource = {
  name: 'maxPool2x2',
  params: 8,
  i32Locals: 10,
  v128Locals: 0,
  body,
};

/** `(x, y, batch, inH, inW, channels, outH, outW)`, offsets in bytes. */
export type MaxPool2x2Simd = (
  x: number,
  y: number,
  batch: number,
  inHeight: number,
  inWidth: number,
  channels: number,
  outHeight: number,
  outWidth: number,
) => void;

/**
 * The SIMD kernel bound to the wasm backend's memory, or undefined without WebAssembly SIMD or
 * with a shared memory (callers then use the JS loop). Channels must be a multiple of 4.
 */
export function maxPool2x2Simd(backend: unknown): MaxPool2x2Simd | undefined {
  return bindKernel<MaxPool2x2Simd>(source, backend);
}
