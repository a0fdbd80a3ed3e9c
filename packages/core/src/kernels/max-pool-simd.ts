// A 2x2 / stride 2 max pool in WebAssembly SIMD on the tfjs wasm backend's memory: four channels
// at a time, `f32x4.max` of the four window values. f32x4.max returns NaN when either lane is
// NaN, so a NaN anywhere in a window gives NaN (XNNPACK's pool, which tfjs-backend-wasm uses,
// turns it into -Infinity or drops it).

import { ADD, F32X4_MAX, get, i32c, set, sumOf, V_LOAD, V_STORE } from '../wasm-assembler.js';
import { forEachWindowGroup, type WindowArgs, windowLocals } from './max-pool-window.js';
import { bindKernel, type KernelSource } from './wasm-simd-module.js';

const [X, Y] = [0, 1];
const L = windowLocals(2, 8);

/** Pushes the value at `x + off + extra...`. */
const loadAt = (...extra: number[]) => [...sumOf(X, L.off, ...extra), ...V_LOAD];

const channelGroup = [
  ...get(L.cursor),
  ...loadAt(),
  ...loadAt(L.cBytes),
  ...F32X4_MAX,
  ...loadAt(L.rowBytes),
  ...loadAt(L.rowBytes, L.cBytes),
  ...F32X4_MAX,
  ...F32X4_MAX,
  ...V_STORE,
  ...get(L.cursor),
  ...i32c(16),
  ...ADD,
  ...set(L.cursor),
];

const body = forEachWindowGroup(L, [...get(Y), ...set(L.cursor)], channelGroup);

const source: KernelSource = {
  name: 'maxPool2x2',
  params: 8,
  i32Locals: 10,
  v128Locals: 0,
  body,
};

/** `(x, y, batch, inH, inW, channels, outH, outW)`, offsets in bytes. */
export type MaxPool2x2Simd = (x: number, y: number, ...window: WindowArgs) => void;

/**
 * The SIMD kernel bound to the wasm backend's memory, or undefined without WebAssembly SIMD or
 * with a shared memory (callers then use the JS loop). Channels must be a multiple of 4.
 */
export function maxPool2x2Simd(backend: unknown): MaxPool2x2Simd | undefined {
  return bindKernel<MaxPool2x2Simd>(source, backend);
}
