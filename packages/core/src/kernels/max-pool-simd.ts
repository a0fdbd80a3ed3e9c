// A 2x2 / stride 2 max pool in WebAssembly SIMD on the tfjs wasm backend's memory: four channels
// at a time, `f32x4.max` of the four window values. f32x4.max returns NaN when either lane is
// NaN, so a NaN anywhere in a window gives NaN (XNNPACK's pool, which tfjs-backend-wasm uses,
// turns it into -Infinity or drops it).
import {
  ADD,
  bindKernel,
  F32X4_MAX,
  forLoop,
  get,
  i32c,
  type KernelSource,
  MUL,
  SHL,
  set,
  V_LOAD,
  V_STORE,
} from './wasm-simd-module.js';

const [X, Y, BATCH, IN_H, IN_W, C, OUT_H, OUT_W] = [0, 1, 2, 3, 4, 5, 6, 7];
const [B, OY, OX, KB, ROW, BASE, OFF, YP, ROW_BYTES, C_BYTES] = [
  8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
];

/** Pushes the value at `x + off + extra...`. */
const loadAt = (...extra: number[]) => [
  ...get(X),
  ...get(OFF),
  ...ADD,
  ...extra.flatMap((e) => [...get(e), ...ADD]),
  ...V_LOAD,
];

const channelGroup = [
  ...get(BASE),
  ...get(KB),
  ...ADD,
  ...set(OFF),
  ...get(YP),
  ...loadAt(),
  ...loadAt(C_BYTES),
  ...F32X4_MAX,
  ...loadAt(ROW_BYTES),
  ...loadAt(ROW_BYTES, C_BYTES),
  ...F32X4_MAX,
  ...F32X4_MAX,
  ...V_STORE,
  ...get(YP),
  ...i32c(16),
  ...ADD,
  ...set(YP),
];

const body = [
  ...get(C),
  ...i32c(2),
  ...SHL,
  ...set(C_BYTES),
  ...get(IN_W),
  ...get(C_BYTES),
  ...MUL,
  ...set(ROW_BYTES),
  ...get(Y),
  ...set(YP),
  ...forLoop(
    B,
    i32c(1),
    BATCH,
    forLoop(OY, i32c(1), OUT_H, [
      // ROW = (b * inH + 2 * oy) * rowBytes
      ...get(B),
      ...get(IN_H),
      ...MUL,
      ...get(OY),
      ...i32c(1),
      ...SHL,
      ...ADD,
      ...get(ROW_BYTES),
      ...MUL,
      ...set(ROW),
      ...forLoop(OX, i32c(1), OUT_W, [
        // BASE = ROW + 2 * ox * cBytes
        ...get(OX),
        ...i32c(1),
        ...SHL,
        ...get(C_BYTES),
        ...MUL,
        ...get(ROW),
        ...ADD,
        ...set(BASE),
        ...forLoop(KB, i32c(16), C_BYTES, channelGroup),
      ]),
    ]),
  ),
];

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
