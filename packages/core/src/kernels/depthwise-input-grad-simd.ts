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
  LT_U,
  MUL,
  SHL,
  SUB,
  set,
  sumOf,
  V_LOAD,
  V_STORE,
  when,
} from '../wasm-assembler.js';
import { bindKernel, type KernelSource } from './wasm-simd-module.js';

/** `f32.mul` (not among the assembler's exports). */
const F32_MUL = [0x94];
/** `memory.fill` (bulk memory): `(dest, byte, length)`. */
const MEMORY_FILL = [0xfc, 0x0b, 0x00];

const [DY, W, DX, N, OH, OW, FH, FW, C, IN_H, IN_W, SH, SW, DH, DW, PAD_TOP, PAD_LEFT] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
];
const [B, OY, OX, I, J, TOP, LEFT, HH, WW, CP, DST, TAP_W, CI, VEC_BYTES, C_BYTES, TAIL_BYTES] = [
  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
];
const ROW_BASE = 33;

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
  // dx = 0 in one memory.fill: a JS TypedArray fill of the threaded backend's shared memory is
  // ~10x slower (0.7 ns per float; MobileNetV2's stride-2 layers at 8 images: ~15 ms, more than
  // the scatter itself).
  ...get(DX),
  ...i32c(0),
  ...get(N),
  ...get(IN_H),
  ...MUL,
  ...get(IN_W),
  ...MUL,
  ...get(C),
  ...MUL,
  ...i32c(2),
  ...SHL,
  ...MEMORY_FILL,
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

const source: KernelSource = {
  name: 'depthwiseInputGrad',
  params: 17,
  i32Locals: 17,
  v128Locals: 0,
  body,
};

/**
 * `(dy, filter, dx, n, outH, outW, filterH, filterW, channels, inH, inW, strideH, strideW,
 * dilationH, dilationW, padTop, padLeft)`, `dy`, `filter` ([filterH, filterW, channels]) and
 * `dx` as byte offsets; the kernel zeroes `dx` ([n, inH, inW, channels]) itself.
 */
export type DepthwiseInputGradSimd = (...args: number[]) => void;

/** The SIMD depthwise input gradient bound to the wasm backend's memory, or undefined where unavailable. */
export function depthwiseInputGradSimd(backend: unknown): DepthwiseInputGradSimd | undefined {
  return bindKernel<DepthwiseInputGradSimd>(source, backend);
}
