// A strided depthwise conv's input gradient in WebAssembly SIMD on the tfjs wasm backend's memory:
// each dy pixel, times each tap of the (unflipped) filter, is added into the input position
// (oy * stride - pad + i * dilation, ...) that tap read in the forward conv. That is exactly the
// forward conv's multiply-adds; the zero-spread dy that an XNNPACK depthwise conv needs for the
// same result costs stride^2 times as many (4.5x the forward for MobileNetV2's 112 x 112 x 96
// stride-2 layer). Channel multiplier 1. Optionally the input gradient of a ReLU / ReLU6 that
// made the conv's input is applied too (the mask of MobileNetV2's expansion conv): each run of dx
// rows no later dy row reaches is masked as soon as the rows are done, while they are in cache,
// instead of a separate pass over dx (capped-relu-grad-simd.ts's expression).
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
  SELECT,
  SHL,
  SUB,
  set,
  sumOf,
  tee,
  V_LOAD,
  V_STORE,
  when,
} from '../wasm-assembler.js';
import {
  type CappedReluForm,
  type CappedReluLocals,
  cappedReluGradSetup,
  cappedReluGradVector,
} from './capped-relu-grad-simd.js';
import { bindKernel, type KernelSource } from './wasm-simd-module.js';

/** `f32.mul` (not among the assembler's exports). */
const F32_MUL = [0x94];

/** `i32.gt_s` and `i32.lt_s` (signed compares are not among the assembler's exports). */
const [GT_S, LT_S] = [[0x4a], [0x48]];

const [DY, W, DX, N, OH, OW, FH, FW, C, IN_H, IN_W, SH, SW, DH, DW, PAD_TOP, PAD_LEFT] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
];
// The ReLU's input (or output) for the mask, and its cap as float bits (unused without a mask).
const [MASK_X, CAP] = [17, 18];
const PARAMS = 19;
const [B, OY, OX, I, J, TOP, LEFT, HH, WW, CP, DST, TAP_W, CI, VEC_BYTES, C_BYTES, TAIL_BYTES] = [
  19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
];
const ROW_BASE = 35;
// Masking: rows [DONE, LIMIT) of image B, MLEN bytes from MSTART, at MDX in dx and MX in x.
const [DONE, LIMIT, MSTART, MLEN, MOFF, MDX, MX] = [36, 37, 38, 39, 40, 41, 42];
const I32_LOCALS = 43 - PARAMS;
const LOCALS: CappedReluLocals = { vmax: 43, one: 44, zero: 45, v: 46, step: 47 };

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

/** Masks dx rows [DONE, LIMIT) of image B (when LIMIT > DONE), then DONE = LIMIT. */
const maskRows = (form: CappedReluForm) =>
  when(
    [...get(LIMIT), ...get(DONE), ...GT_S],
    [
      ...get(B),
      ...get(IN_H),
      ...MUL,
      ...get(DONE),
      ...ADD,
      ...get(IN_W),
      ...MUL,
      ...get(C_BYTES),
      ...MUL,
      ...set(MSTART),
      ...get(LIMIT),
      ...get(DONE),
      ...SUB,
      ...get(IN_W),
      ...MUL,
      ...get(C_BYTES),
      ...MUL,
      ...set(MLEN),
      ...sumOf(DX, MSTART),
      ...set(MDX),
      ...sumOf(MASK_X, MSTART),
      ...set(MX),
      // Whole rows of in_w * channels floats, a multiple of 4 (the caller checks).
      ...forLoop(MOFF, i32c(16), MLEN, [
        ...sumOf(MDX, MOFF),
        ...cappedReluGradVector(
          form,
          [...sumOf(MX, MOFF), ...V_LOAD],
          [...sumOf(MDX, MOFF), ...V_LOAD],
          LOCALS,
        ),
        ...V_STORE,
      ]),
      ...get(LIMIT),
      ...set(DONE),
    ],
  );

/**
 * After dy row OY: dx rows below (OY + 1) * strideH - padTop get nothing more (later dy rows start
 * there), so they are masked now.
 */
const maskDoneRows = (form: CappedReluForm) => [
  ...get(OY),
  ...i32c(1),
  ...ADD,
  ...get(SH),
  ...MUL,
  ...get(PAD_TOP),
  ...SUB,
  ...tee(LIMIT),
  ...get(IN_H),
  ...get(LIMIT),
  ...get(IN_H),
  ...LT_S,
  ...SELECT,
  ...set(LIMIT),
  ...maskRows(form),
];

const body = (mask: CappedReluForm | undefined) => [
  ...(mask ? cappedReluGradSetup(CAP, LOCALS) : []),
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
    ...set(DONE),
    ...forLoop(OY, i32c(1), OH, [
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
      ...(mask ? maskDoneRows(mask) : []),
    ]),
    // The rows the last dy row left.
    ...(mask ? [...get(IN_H), ...set(LIMIT), ...maskRows(mask)] : []),
  ]),
];

const source = (mask: CappedReluForm | undefined): KernelSource => ({
  name: 'depthwiseInputGrad',
  params: PARAMS,
  i32Locals: I32_LOCALS,
  v128Locals: mask ? 5 : 0,
  body: body(mask),
});

const sources = {
  none: source(undefined),
  clipByValue: source('clipByValue'),
  minimum: source('minimum'),
} as const;

/**
 * `(dy, filter, dx, n, outH, outW, filterH, filterW, channels, inH, inW, strideH, strideW,
 * dilationH, dilationW, padTop, padLeft, maskX, capBits)`, `dy`, `filter` ([filterH, filterW,
 * channels]), `dx` and `maskX` (the ReLU's tensor, shaped like dx; any value without a mask) as
 * byte offsets; `dx` must be zeroed. With a mask, inW * channels must be a multiple of 4.
 */
export type DepthwiseInputGradSimd = (...args: number[]) => void;

/**
 * The SIMD depthwise input gradient bound to the wasm backend's memory, or undefined where
 * unavailable; with `mask`, it also applies that capped ReLU's gradient (cappedReluGrad's form).
 */
export function depthwiseInputGradSimd(
  backend: unknown,
  mask?: CappedReluForm,
): DepthwiseInputGradSimd | undefined {
  return bindKernel<DepthwiseInputGradSimd>(sources[mask ?? 'none'], backend);
}
