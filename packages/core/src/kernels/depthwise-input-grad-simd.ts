// A strided depthwise conv's input gradient in WebAssembly SIMD on the tfjs wasm backend's memory:
// each dy pixel, times each tap of the (unflipped) filter, is added into the input position
// (oy * stride - pad + i * dilation, ...) that tap read in the forward conv. That is exactly the
// forward conv's multiply-adds; the zero-spread dy that an XNNPACK depthwise conv needs for the
// same result costs stride^2 times as many (4.5x the forward for MobileNetV2's 112 x 112 x 96
// stride-2 layer). Channel multiplier 1.
import {
  ADD,
  AND,
  F32_ADD,
  F32_LOAD,
  F32_STORE,
  F32X4_ADD,
  F32X4_MUL,
  forLoop,
  get,
  i32c,
  i32LoadAt,
  LT_U,
  MUL,
  SHL,
  SUB,
  set,
  sumOf,
  V_LOAD,
  V_STORE,
  when,
  zeroFloats,
} from '../wasm-assembler.js';
import { bindRangeKernel, type RangeKernel } from './parallel-kernel.js';
import type { KernelSource } from './wasm-simd-module.js';

/** `f32.mul` (not among the assembler's exports). */
const F32_MUL = [0x94];

// Parameters: dy, filter, dx, the geometry block (GEOMETRY's i32s in wasm memory), the images
// [start, end). The geometry is loaded into locals N..PAD_LEFT (N then becomes end - start).
const [DY, W, DX, GEOM, START, END] = [0, 1, 2, 3, 4, 5];
const [N, OH, OW, FH, FW, C, IN_H, IN_W, SH, SW, DH, DW, PAD_TOP, PAD_LEFT] = [
  6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
];
const [B, OY, OX, I, J, TOP, LEFT, HH, WW, CP, DST, TAP_W, CI, VEC_BYTES, C_BYTES, TAIL_BYTES] = [
  20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,
];
const ROW_BASE = 36;

/** The geometry block's i32s, in order (`n` is not read: the range gives the images). */
export const GEOMETRY = [
  'n',
  'outH',
  'outW',
  'filterH',
  'filterW',
  'channels',
  'inH',
  'inW',
  'strideH',
  'strideW',
  'dilationH',
  'dilationW',
  'padTop',
  'padLeft',
] as const;

/** `local += start * (a * b * c * 4)`: the range's first image. */
const advance = (local: number, a: number, b: number, c: number) => [
  ...get(local),
  ...get(START),
  ...get(a),
  ...MUL,
  ...get(b),
  ...MUL,
  ...get(c),
  ...MUL,
  ...i32c(2),
  ...SHL,
  ...ADD,
  ...set(local),
];

/** `dst[CI] += dy[CI] * w[CI]` for one f32x4 (vector) or one f32 (scalar tail). */
const accumulate = (
  tail: boolean,
  load: number[],
  mul: number[],
  add: number[],
  store: number[],
) => {
  const past = tail ? [VEC_BYTES] : [];
  return [
    ...sumOf(DST, CI, ...past),
    ...sumOf(DST, CI, ...past),
    ...load,
    ...sumOf(CP, CI, ...past),
    ...load,
    ...sumOf(TAP_W, CI, ...past),
    ...load,
    ...mul,
    ...add,
    ...store,
  ];
};

const tap = [
  // DST = dx + (ROW_BASE + ww) * cBytes; TAP_W = w + (i * fw + j) * cBytes
  ...get(DX),
  ...get(ROW_BASE),
  ...get(WW),
  ...ADD,
  ...get(C_BYTES),
  ...MUL,
  ...ADD,
  ...set(DST),
  ...get(W),
  ...get(I),
  ...get(FW),
  ...MUL,
  ...get(J),
  ...ADD,
  ...get(C_BYTES),
  ...MUL,
  ...ADD,
  ...set(TAP_W),
  ...forLoop(CI, i32c(16), VEC_BYTES, accumulate(false, V_LOAD, F32X4_MUL, F32X4_ADD, V_STORE)),
  ...forLoop(CI, i32c(4), TAIL_BYTES, accumulate(true, F32_LOAD, F32_MUL, F32_ADD, F32_STORE)),
];

const body = [
  ...GEOMETRY.flatMap((_, k) => [...get(GEOM), ...i32LoadAt(4 * k), ...set(N + k)]),
  ...get(END),
  ...get(START),
  ...SUB,
  ...set(N),
  ...advance(DX, IN_H, IN_W, C),
  ...advance(DY, OH, OW, C),
  // dx = 0 in one memory.fill: a JS TypedArray fill of the threaded backend's shared memory is
  // ~10x slower (0.7 ns per float; MobileNetV2's stride-2 layers at 8 images: ~15 ms, more than
  // the scatter itself).
  ...zeroFloats(DX, [N, IN_H, IN_W, C]),
  ...get(C),
  ...i32c(2),
  ...SHL,
  ...set(C_BYTES),
  ...get(C),
  ...i32c(-4),
  ...AND,
  ...i32c(2),
  ...SHL,
  ...set(VEC_BYTES),
  ...get(C_BYTES),
  ...get(VEC_BYTES),
  ...SUB,
  ...set(TAIL_BYTES),
  ...get(DY),
  ...set(CP),
  ...forLoop(
    B,
    i32c(1),
    N,
    forLoop(OY, i32c(1), OH, [
      ...get(OY),
      ...get(SH),
      ...MUL,
      ...get(PAD_TOP),
      ...SUB,
      ...set(TOP),
      ...forLoop(OX, i32c(1), OW, [
        ...get(OX),
        ...get(SW),
        ...MUL,
        ...get(PAD_LEFT),
        ...SUB,
        ...set(LEFT),
        ...forLoop(I, i32c(1), FH, [
          ...get(TOP),
          ...get(I),
          ...get(DH),
          ...MUL,
          ...ADD,
          ...set(HH),
          // Unsigned compare: a negative row wraps around and is skipped too.
          ...when(
            [...get(HH), ...get(IN_H), ...LT_U],
            [
              ...get(B),
              ...get(IN_H),
              ...MUL,
              ...get(HH),
              ...ADD,
              ...get(IN_W),
              ...MUL,
              ...set(ROW_BASE),
              ...forLoop(J, i32c(1), FW, [
                ...get(LEFT),
                ...get(J),
                ...get(DW),
                ...MUL,
                ...ADD,
                ...set(WW),
                ...when([...get(WW), ...get(IN_W), ...LT_U], tap),
              ]),
            ],
          ),
        ]),
        // The next dy pixel.
        ...get(CP),
        ...get(C_BYTES),
        ...ADD,
        ...set(CP),
      ]),
    ]),
  ),
];

/** The kernel (tests bind it to a memory of their own). Internal to @interp/core. */
export const depthwiseInputGradSource: KernelSource = {
  name: 'depthwiseInputGrad',
  params: 6,
  i32Locals: 31,
  v128Locals: 0,
  body,
};

/**
 * The SIMD depthwise input gradient bound to the wasm backend's memory, or undefined where
 * unavailable: a call `run([dy, filter, dx, geometry], n, bytes)` takes `dy`, `filter`
 * ([filterH, filterW, channels]), `dx` and an i32 block of the {@link GEOMETRY} values as byte
 * offsets, zeroes `dx` ([n, inH, inW, channels]) itself and adds into it; the images are
 * independent units, split with the helper worker on the threaded build when `bytes` (dy read
 * plus dx written) is large enough (parallel-kernel.ts).
 */
export function depthwiseInputGradSimd(backend: unknown): RangeKernel | undefined {
  return bindRangeKernel(depthwiseInputGradSource, backend);
}
