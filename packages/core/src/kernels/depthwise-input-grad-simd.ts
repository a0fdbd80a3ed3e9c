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
  MEMORY_FILL,
  MUL,
  SELECT,
  SHL,
  SUB,
  set,
  sumOf,
  V_LOAD,
  V_STORE,
  when,
} from '../wasm-assembler.js';
import { bindRangeKernel, type RangeKernel } from './parallel-kernel.js';
import type { KernelSource } from './wasm-simd-module.js';

/** `f32.mul` and `i32.gt_s` (not among the assembler's exports). */
const F32_MUL = [0x94];
const GT_S = [0x4a];

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
// The image's dx rows below ZEROED are zeroed (and hold their sums so far); LAST: the end of the
// rows the current dy row reaches.
const [ZEROED, LAST] = [37, 38];

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

/**
 * Zeroes image B's dx rows [ZEROED, end) with one memory.fill and moves ZEROED to `end`: each
 * row right before the scatter first adds into it, so the zeros are still in cache for it (one
 * fill of the whole dx first wrote it all out to memory and read it back: MobileNetV2's 8 x 112 x
 * 112 x 96 dx is 38 MB). A JS TypedArray fill of the threaded backend's shared memory would be
 * ~10x slower (0.7 ns per float).
 */
const zeroRowsTo = (end: number) => [
  ...get(DX),
  ...get(B),
  ...get(IN_H),
  ...MUL,
  ...get(ZEROED),
  ...ADD,
  ...get(IN_W),
  ...MUL,
  ...get(C_BYTES),
  ...MUL,
  ...ADD,
  ...i32c(0),
  ...get(end),
  ...get(ZEROED),
  ...SUB,
  ...get(IN_W),
  ...MUL,
  ...get(C_BYTES),
  ...MUL,
  ...MEMORY_FILL,
  ...get(end),
  ...set(ZEROED),
];

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
  ...forLoop(B, i32c(1), N, [
    ...i32c(0),
    ...set(ZEROED),
    ...forLoop(OY, i32c(1), OH, [
      ...get(OY),
      ...get(SH),
      ...MUL,
      ...get(PAD_TOP),
      ...SUB,
      ...set(TOP),
      // The rows this dy row reaches first are zeroed just before: min(top + (fh - 1) * dh + 1,
      // inH) is their end (rows grow with oy, a gap no tap reaches is zeroed with them).
      ...get(TOP),
      ...get(FH),
      ...i32c(1),
      ...SUB,
      ...get(DH),
      ...MUL,
      ...ADD,
      ...i32c(1),
      ...ADD,
      ...set(LAST),
      ...get(IN_H),
      ...get(LAST),
      ...get(LAST),
      ...get(IN_H),
      ...GT_S,
      ...SELECT,
      ...set(LAST),
      ...when([...get(LAST), ...get(ZEROED), ...GT_S], zeroRowsTo(LAST)),
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
    // Rows below the last one any tap reached.
    ...when([...get(ZEROED), ...get(IN_H), ...LT_U], zeroRowsTo(IN_H)),
  ]),
];

/** The kernel (tests bind it to a memory of their own). Internal to @interp/core. */
export const depthwiseInputGradSource: KernelSource = {
  name: 'depthwiseInputGrad',
  params: 6,
  i32Locals: 33,
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
