// col2im in WebAssembly SIMD on the tfjs wasm backend's memory: adds each row of per-tap
// products cols[n, oy, ox, i, j, :] (from one XNNPACK matmul of dy by the filter) into the
// input position (oy * stride - pad + i * dilation, ...) it came from. Together they are a
// convolution's input gradient at the forward conv's cost, without the zero-padding work a
// transposed conv does at the borders.
import {
  ADD,
  AND,
  EQ,
  F32_ADD,
  F32_LOAD,
  F32_STORE,
  F32X4_ADD,
  forLoop,
  get,
  i32c,
  ifElse,
  LT_U,
  MUL,
  SHL,
  SUB,
  set,
  sumOf,
  tee,
  V_LOAD,
  V_STORE,
  when,
} from '../wasm-assembler.js';
import { bindKernel, type KernelSource } from './wasm-simd-module.js';

const [COLS, DX, N, OH, OW, FH, FW, CIN, IN_H, IN_W, SH, SW, DH, DW, PAD_TOP, PAD_LEFT] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
];
const ROW_SPANS = 16;
const [B, OY, OX, I, J, TOP, LEFT, HH, WW, CP, DST, SRC, CI, VEC_BYTES, C_BYTES, TAIL_BYTES] = [
  17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
];
const [ROW_BASE, PIXEL_BYTES] = [33, 34];
const [SPAN_OK, SPAN_BYTES, SPAN_VEC, SPAN_TAIL] = [35, 36, 37, 38];
const LE_S = [0x4c];
const GE_S = [0x4e];

/**
 * `*(addr + CI) op= *(src + CI)` for one f32x4 (vector) or one f32 (scalar); `vecBytes` is the
 * local holding the vector part's length, which the scalar tail starts after.
 */
const accumulate = (
  base: number,
  load: number[],
  add: number[],
  store: number[],
  vecBytes = VEC_BYTES,
) => {
  const past = base === 0 ? [] : [vecBytes];
  return [
    ...sumOf(DST, CI, ...past),
    ...sumOf(DST, CI, ...past),
    ...load,
    ...sumOf(SRC, CI, ...past),
    ...load,
    ...add,
    ...store,
  ];
};

const tap = [
  // DST = dx + (ROW_BASE + ww) * cBytes; SRC = cp + (i * fw + j) * cBytes
  ...get(DX),
  ...get(ROW_BASE),
  ...get(WW),
  ...ADD,
  ...get(C_BYTES),
  ...MUL,
  ...ADD,
  ...set(DST),
  ...get(CP),
  ...get(I),
  ...get(FW),
  ...MUL,
  ...get(J),
  ...ADD,
  ...get(C_BYTES),
  ...MUL,
  ...ADD,
  ...set(SRC),
  ...forLoop(CI, i32c(16), VEC_BYTES, accumulate(0, V_LOAD, F32X4_ADD, V_STORE)),
  ...forLoop(CI, i32c(4), TAIL_BYTES, accumulate(1, F32_LOAD, F32_ADD, F32_STORE)),
];

/**
 * A whole filter row inside the input with dilation 1: its taps' products (filterW * inChannels
 * values, contiguous in cols) land on contiguous input values, so they are added as one span of
 * vectors (7 x 3 channels: 5 vectors and 1 scalar instead of 21 scalars in 7 tap loops).
 */
const rowSpan = [
  ...get(DX),
  ...get(ROW_BASE),
  ...get(LEFT),
  ...ADD,
  ...get(C_BYTES),
  ...MUL,
  ...ADD,
  ...set(DST),
  ...get(CP),
  ...get(I),
  ...get(SPAN_BYTES),
  ...MUL,
  ...ADD,
  ...set(SRC),
  ...forLoop(CI, i32c(16), SPAN_VEC, accumulate(0, V_LOAD, F32X4_ADD, V_STORE)),
  ...forLoop(CI, i32c(4), SPAN_TAIL, accumulate(1, F32_LOAD, F32_ADD, F32_STORE, SPAN_VEC)),
];

const tapLoop = forLoop(J, i32c(1), FW, [
  ...get(LEFT),
  ...get(J),
  ...get(DW),
  ...MUL,
  ...ADD,
  ...set(WW),
  ...when([...get(WW), ...get(IN_W), ...LT_U], tap),
]);

const body = [
  // Row spans: filterW * cBytes, split into whole vectors and a scalar tail.
  ...get(FW),
  ...get(CIN),
  ...MUL,
  ...i32c(2),
  ...SHL,
  ...tee(SPAN_BYTES),
  ...i32c(-16),
  ...AND,
  ...set(SPAN_VEC),
  ...get(SPAN_BYTES),
  ...get(SPAN_VEC),
  ...SUB,
  ...set(SPAN_TAIL),
  ...get(CIN),
  ...i32c(2),
  ...SHL,
  ...set(C_BYTES),
  ...get(CIN),
  ...i32c(-4),
  ...AND,
  ...i32c(2),
  ...SHL,
  ...set(VEC_BYTES),
  ...get(C_BYTES),
  ...get(VEC_BYTES),
  ...SUB,
  ...set(TAIL_BYTES),
  ...get(FH),
  ...get(FW),
  ...MUL,
  ...get(C_BYTES),
  ...MUL,
  ...set(PIXEL_BYTES),
  ...get(COLS),
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
        // SPAN_OK = rowSpans && dilationW == 1 && left >= 0 && left + filterW <= inW
        ...get(ROW_SPANS),
        ...get(DW),
        ...i32c(1),
        ...EQ,
        ...AND,
        ...get(LEFT),
        ...i32c(0),
        ...GE_S,
        ...AND,
        ...get(LEFT),
        ...get(FW),
        ...ADD,
        ...get(IN_W),
        ...LE_S,
        ...AND,
        ...set(SPAN_OK),
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
              ...ifElse(get(SPAN_OK), rowSpan, tapLoop),
            ],
          ),
        ]),
        ...get(CP),
        ...get(PIXEL_BYTES),
        ...ADD,
        ...set(CP),
      ]),
    ]),
  ),
];

const source: KernelSource = { name: 'col2im', params: 17, i32Locals: 22, v128Locals: 0, body };

/**
 * `(cols, dx, n, outH, outW, filterH, filterW, inChannels, inH, inW, strideH, strideW,
 * dilationH, dilationW, padTop, padLeft, rowSpans)`, `cols` and `dx` as byte offsets; `dx` must
 * be zeroed. `rowSpans` 1 adds each filter row that lies inside the input as one contiguous span
 * (dilationW 1); 0 adds tap by tap (the baseline the spans are measured against).
 */
export type Col2imSimd = (...args: number[]) => void;

/**
 * Test and benchmark hook: `'taps'` passes `rowSpans` 0 (tap by tap, the baseline); `undefined`
 * adds whole rows as spans where they fit. Internal to @interp/core.
 */
export const col2imPath: { force: 'taps' | undefined } = { force: undefined };

/** The SIMD col2im bound to the wasm backend's memory, or undefined where unavailable. */
export function col2imSimd(backend: unknown): Col2imSimd | undefined {
  return bindKernel<Col2imSimd>(source, backend);
}
