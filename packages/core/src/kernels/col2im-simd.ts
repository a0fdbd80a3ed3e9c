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
  GT_U,
  get,
  i32c,
  ifElse,
  LT_U,
  MUL,
  SHL,
  SHR_U,
  SUB,
  set,
  sumOf,
  tee,
  V_LOAD,
  V_STORE,
  when,
  zeroFloats,
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
const [ROW_STEP, ROWS_OK, FH_EXTENT] = [39, 40, 41];
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
const spanAdd = [
  ...forLoop(CI, i32c(16), SPAN_VEC, accumulate(0, V_LOAD, F32X4_ADD, V_STORE)),
  ...forLoop(CI, i32c(4), SPAN_TAIL, accumulate(1, F32_LOAD, F32_ADD, F32_STORE, SPAN_VEC)),
];

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
  ...spanAdd,
];

/**
 * Every filter row of the pixel inside the input, as spans: the rows' destinations are
 * `dilationH` input rows apart and their sources follow each other in cols, so the pointers just
 * step (no per-row bounds or address products).
 */
const wholeWindow = [
  ...get(DX),
  ...get(B),
  ...get(IN_H),
  ...MUL,
  ...get(TOP),
  ...ADD,
  ...get(IN_W),
  ...MUL,
  ...get(LEFT),
  ...ADD,
  ...get(C_BYTES),
  ...MUL,
  ...ADD,
  ...set(DST),
  ...get(CP),
  ...set(SRC),
  ...forLoop(I, i32c(1), FH, [
    ...spanAdd,
    ...get(DST),
    ...get(ROW_STEP),
    ...ADD,
    ...set(DST),
    ...get(SRC),
    ...get(SPAN_BYTES),
    ...ADD,
    ...set(SRC),
  ]),
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

/** The pixel's filter rows one by one: rows outside the input skipped, spans or taps. */
const rowByRow = [
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
];

const body = [
  // dx = 0 in one memory.fill: a JS TypedArray fill of the threaded backend's shared memory is
  // ~10x slower (0.7 ns per float).
  ...zeroFloats(DX, [N, IN_H, IN_W, CIN]),
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
  // ROW_STEP = dilationH * inW * cBytes (bytes between a pixel's filter rows in dx);
  // FH_EXTENT = (filterH - 1) * dilationH + 1 (input rows a window spans).
  ...get(DH),
  ...get(IN_W),
  ...MUL,
  ...get(CIN),
  ...MUL,
  ...i32c(2),
  ...SHL,
  ...set(ROW_STEP),
  ...get(FH),
  ...i32c(1),
  ...SUB,
  ...get(DH),
  ...MUL,
  ...i32c(1),
  ...ADD,
  ...set(FH_EXTENT),
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
      // ROWS_OK = top >= 0 && top + FH_EXTENT <= inH (every filter row inside the input) && rowSpans == 2
      ...get(TOP),
      ...i32c(0),
      ...GE_S,
      ...get(TOP),
      ...get(FH_EXTENT),
      ...ADD,
      ...get(IN_H),
      ...LE_S,
      ...AND,
      ...get(ROW_SPANS),
      ...i32c(1),
      ...SHR_U,
      ...AND,
      ...set(ROWS_OK),
      ...forLoop(OX, i32c(1), OW, [
        ...get(OX),
        ...get(SW),
        ...MUL,
        ...get(PAD_LEFT),
        ...SUB,
        ...set(LEFT),
        // SPAN_OK = rowSpans > 0 && dilationW == 1 && left >= 0 && left + filterW <= inW
        ...get(ROW_SPANS),
        ...i32c(0),
        ...GT_U,
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
        ...ifElse([...get(SPAN_OK), ...get(ROWS_OK), ...AND], wholeWindow, rowByRow),
        ...get(CP),
        ...get(PIXEL_BYTES),
        ...ADD,
        ...set(CP),
      ]),
    ]),
  ),
];

const source: KernelSource = { name: 'col2im', params: 17, i32Locals: 25, v128Locals: 0, body };

/**
 * `(cols, dx, n, outH, outW, filterH, filterW, inChannels, inH, inW, strideH, strideW,
 * dilationH, dilationW, padTop, padLeft, rowSpans)`, `cols` and `dx` as byte offsets; the kernel
 * zeroes `dx` ([n, inH, inW, inChannels]) itself. `rowSpans` 2 adds each filter row that lies inside the input as one contiguous span
 * (dilationW 1), stepping straight through the rows of pixels whose whole window is inside;
 * 1 spans row by row only; 0 adds tap by tap (the baselines the spans are measured against).
 */
export type Col2imSimd = (...args: number[]) => void;

/**
 * Test and benchmark hook: `'taps'` passes `rowSpans` 0 (tap by tap), `'rows'` 1 (spans, row by
 * row); `undefined` 2 (the fastest). Internal to @interp/core.
 */
export const col2imPath: { force: 'taps' | 'rows' | undefined } = { force: undefined };

/** The `rowSpans` argument {@link col2imPath} asks for. */
export const col2imRowSpans = (): number =>
  col2imPath.force === 'taps' ? 0 : col2imPath.force === 'rows' ? 1 : 2;

/** The SIMD col2im bound to the wasm backend's memory, or undefined where unavailable. */
export function col2imSimd(backend: unknown): Col2imSimd | undefined {
  return bindKernel<Col2imSimd>(source, backend);
}
