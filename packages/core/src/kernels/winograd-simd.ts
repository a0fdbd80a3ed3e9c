// Winograd F(m x m, 3 x 3) transforms in WebAssembly SIMD on the tfjs wasm backend's memory (Lavin
// and Gray, "Fast Algorithms for Convolutional Neural Networks", 2015). A 3x3 stride-1 conv of an
// NHWC input becomes, per tile of m x m outputs: the input transform V = B^T d B of its
// t x t (t = m + 2) input patch, t * t matrix products of V with the transformed filter
// U = G g G^T (over the channels, done by XNNPACK), and the output transform Y = A^T M A. The
// kernels here do the two data transforms, four channels per SIMD lane group; each is assembled
// for one shape (constant strides in the load and store offsets) at first use.
import {
  ADD,
  AND,
  DIV_U,
  EQ,
  F32X4_ADD,
  F32X4_MAX,
  F32X4_MIN,
  F32X4_MUL,
  F32X4_NEG,
  F32X4_SUB,
  f32x4Const,
  forLoop,
  GT_U,
  get,
  i32c,
  i32LoadAt,
  LT_U,
  MUL,
  SELECT,
  SUB,
  set,
  vLoadAt,
  vStoreAt,
  when,
} from '../wasm-assembler.js';
import { bindRangeKernel } from './parallel-kernel.js';
import type { KernelSource } from './wasm-simd-module.js';
import type { WinogradTile } from './winograd-tiles.js';

export { F2, F3, F4, F4H, type WinogradTile } from './winograd-tiles.js';

/** Code pushing `sum_k coefs[k] * v128 local(k)` (zero coefficients skipped). */
export function combination(coefs: readonly number[], local: (k: number) => number): number[] {
  const out: number[] = [];
  let first = true;
  coefs.forEach((c, k) => {
    if (c === 0) return;
    const term =
      Math.abs(c) === 1
        ? get(local(k))
        : [...get(local(k)), ...f32x4Const(Math.abs(c)), ...F32X4_MUL];
    out.push(...term);
    if (first) {
      if (c < 0) out.push(...F32X4_NEG);
      first = false;
    } else out.push(...(c < 0 ? F32X4_SUB : F32X4_ADD));
  });
  if (first) out.push(...f32x4Const(0));
  return out;
}

/** Shape constants of an input transform. */
export interface InputTransformShape {
  tile: WinogradTile;
  /** Batch. */
  n: number;
  /** Tiles per column and per row. */
  tilesH: number;
  tilesW: number;
  /** Channels (a multiple of 4). */
  channels: number;
  /** Height and width of the zero-padded input (tilesH * m + 2, tilesW * m + 2). */
  height: number;
  width: number;
}

/**
 * Code setting `b` and `ty` to the image and tile row of flattened tile row `start + k`
 * (`(b * tilesH + ty)`), `row` to `base + (b * height + ty * m) * rowBytes`, and `tileOffset` to
 * the first tile's byte offset in a plane.
 */
function tileRowStart(
  locals: { start: number; k: number; b: number; ty: number; row: number; tileOffset: number },
  base: number,
  shape: { tilesH: number; tilesW: number; height: number; width: number; channels: number },
  m: number,
): number[] {
  const { start, k, b, ty, row, tileOffset } = locals;
  const c4 = shape.channels * 4;
  const r = [...get(start), ...get(k), ...ADD];
  return [
    ...r,
    ...i32c(shape.tilesH),
    ...DIV_U,
    ...set(b),
    ...r,
    ...get(b),
    ...i32c(shape.tilesH),
    ...MUL,
    ...SUB,
    ...set(ty),
    ...get(b),
    ...i32c(shape.height),
    ...MUL,
    ...get(ty),
    ...i32c(m),
    ...MUL,
    ...ADD,
    ...i32c(shape.width * c4),
    ...MUL,
    ...get(base),
    ...ADD,
    ...set(row),
    ...r,
    ...i32c(shape.tilesW * c4),
    ...MUL,
    ...set(tileOffset),
  ];
}

/**
 * `(table, src, start, end)`: reads the padded NHWC input at byte offset `src` and writes
 * V[alpha][tile][c] = (B^T d B)[alpha] to the t * t planes whose byte offsets are the i32s at
 * `table` (tiles in batch, row, column order; each plane tiles x channels), for the flattened
 * tile rows (image * tilesH + tile row) `start` to `end` (exclusive): disjoint ranges write
 * disjoint bytes, so two threads may run two of them at once (parallel-kernel.ts).
 */
function inputTransformSource(s: InputTransformShape): KernelSource {
  const { m, t, bt } = s.tile;
  const t2 = t * t;
  const c4 = s.channels * 4;
  const [TABLE, SRC, START, END, K, B, TY, TX, CV, ROW, BASE, TOFF, COUNT, TWL, C4L, ADDR] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
  ];
  const PTR = 16;
  const D = PTR + t2; // first v128 local
  const R = D + t2;
  const body: number[] = [];
  for (let a = 0; a < t2; a++) body.push(...get(TABLE), ...i32LoadAt(4 * a), ...set(PTR + a));
  body.push(...get(END), ...get(START), ...SUB, ...set(COUNT));
  body.push(...i32c(s.tilesW), ...set(TWL), ...i32c(c4), ...set(C4L));
  const vector: number[] = [...get(BASE), ...get(CV), ...ADD, ...set(ADDR)];
  for (let i = 0; i < t; i++) {
    for (let j = 0; j < t; j++) {
      vector.push(...get(ADDR), ...vLoadAt((i * s.width + j) * c4), ...set(D + i * t + j));
    }
  }
  // Columns: R[r][j] = sum_i bt[r][i] d[i][j]; then rows: V[r][q] = sum_j bt[q][j] R[r][j].
  for (let r = 0; r < t; r++) {
    for (let j = 0; j < t; j++) {
      vector.push(...combination(bt[r]!, (i) => D + i * t + j), ...set(R + r * t + j));
    }
  }
  for (let r = 0; r < t; r++) {
    for (let q = 0; q < t; q++) {
      vector.push(...get(PTR + r * t + q), ...get(TOFF), ...ADD, ...get(CV), ...ADD);
      vector.push(...combination(bt[q]!, (j) => R + r * t + j), ...vStoreAt(0));
    }
  }
  const rowLocals = { start: START, k: K, b: B, ty: TY, row: ROW, tileOffset: TOFF };
  body.push(
    ...forLoop(K, i32c(1), COUNT, [
      ...tileRowStart(rowLocals, SRC, s, m),
      ...forLoop(TX, i32c(1), TWL, [
        ...get(ROW),
        ...get(TX),
        ...i32c(m * c4),
        ...MUL,
        ...ADD,
        ...set(BASE),
        ...forLoop(CV, i32c(16), C4L, vector),
        ...get(TOFF),
        ...get(C4L),
        ...ADD,
        ...set(TOFF),
      ]),
    ]),
  );
  return { name: 'winogradInput', params: 4, i32Locals: 12 + t2, v128Locals: 2 * t2, body };
}

/** Shape constants of an output transform. */
export interface OutputTransformShape {
  tile: WinogradTile;
  n: number;
  tilesH: number;
  tilesW: number;
  /** Output channels (a multiple of 4). */
  channels: number;
  /** Output height and width (the last tiles may be partial). */
  height: number;
  width: number;
  /** Add a per-channel bias read from the third argument. */
  bias: boolean;
  activation: 'linear' | 'relu' | 'relu6';
}

/**
 * `(table, out, bias, start, end)`: reads M[alpha][tile][k] from the t * t planes whose byte
 * offsets are the i32s at `table` and writes (A^T M A) (+ bias, activation) to the NHWC output at
 * `out`, for the flattened tile rows `start` to `end` (exclusive; see the input transform).
 */
function outputTransformSource(s: OutputTransformShape): KernelSource {
  const { m, t, at } = s.tile;
  const t2 = t * t;
  const k4 = s.channels * 4;
  const [TABLE, OUT, BIAS, START, END, K, B, TY, TX, CV, OROW, OBASE, TOFF, COUNT, TWL, K4L] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
  ];
  const [VH, VW, ADDR] = [16, 17, 18];
  const PTR = 19;
  const M = PTR + t2; // first v128 local
  const R = M + t2;
  const Y = R + m * t;
  const BV = Y + m * m;
  const body: number[] = [];
  for (let a = 0; a < t2; a++) body.push(...get(TABLE), ...i32LoadAt(4 * a), ...set(PTR + a));
  body.push(...get(END), ...get(START), ...SUB, ...set(COUNT));
  body.push(...i32c(s.tilesW), ...set(TWL), ...i32c(k4), ...set(K4L));
  const vector: number[] = [...get(TOFF), ...get(CV), ...ADD, ...set(ADDR)];
  for (let a = 0; a < t2; a++) {
    vector.push(...get(PTR + a), ...get(ADDR), ...ADD, ...vLoadAt(0), ...set(M + a));
  }
  if (s.bias) vector.push(...get(BIAS), ...get(CV), ...ADD, ...vLoadAt(0), ...set(BV));
  // R[i][nu] = sum_xi at[i][xi] M[xi][nu]; Y[i][j] = sum_nu at[j][nu] R[i][nu].
  for (let i = 0; i < m; i++) {
    for (let nu = 0; nu < t; nu++) {
      vector.push(...combination(at[i]!, (xi) => M + xi * t + nu), ...set(R + i * t + nu));
    }
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      vector.push(...combination(at[j]!, (nu) => R + i * t + nu));
      if (s.bias) vector.push(...get(BV), ...F32X4_ADD);
      if (s.activation !== 'linear') vector.push(...f32x4Const(0), ...F32X4_MAX);
      if (s.activation === 'relu6') vector.push(...f32x4Const(6), ...F32X4_MIN);
      vector.push(...set(Y + i * m + j));
    }
  }
  vector.push(...get(OBASE), ...get(CV), ...ADD, ...set(ADDR));
  const store = (i: number, j: number) => [
    ...get(ADDR),
    ...get(Y + i * m + j),
    ...vStoreAt((i * s.width + j) * k4),
  ];
  const full: number[] = [];
  const partial: number[] = [];
  for (let i = 0; i < m; i++) {
    const row: number[] = [];
    for (let j = 0; j < m; j++) {
      full.push(...store(i, j));
      row.push(...when([...i32c(j), ...get(VW), ...LT_U], store(i, j)));
    }
    partial.push(...when([...i32c(i), ...get(VH), ...LT_U], row));
  }
  const isFull = [...get(VH), ...i32c(m), ...EQ, ...get(VW), ...i32c(m), ...EQ, ...AND];
  vector.push(...isFull, 0x04, 0x40, ...full, 0x05, ...partial, 0x0b);
  /** min(m, size - tile * m) into `local`. */
  const valid = (size: number, tile: number, local: number) => [
    ...i32c(m),
    ...i32c(size),
    ...get(tile),
    ...i32c(m),
    ...MUL,
    ...SUB,
    ...set(local),
    ...get(local),
    ...get(local),
    ...i32c(m),
    ...GT_U,
    ...SELECT,
    ...set(local),
  ];
  const rowLocals = { start: START, k: K, b: B, ty: TY, row: OROW, tileOffset: TOFF };
  body.push(
    ...forLoop(K, i32c(1), COUNT, [
      ...tileRowStart(rowLocals, OUT, s, m),
      ...valid(s.height, TY, VH),
      ...forLoop(TX, i32c(1), TWL, [
        ...get(OROW),
        ...get(TX),
        ...i32c(m * k4),
        ...MUL,
        ...ADD,
        ...set(OBASE),
        ...valid(s.width, TX, VW),
        ...forLoop(CV, i32c(16), K4L, vector),
        ...get(TOFF),
        ...get(K4L),
        ...ADD,
        ...set(TOFF),
      ]),
    ]),
  );
  return {
    name: 'winogradOutput',
    params: 5,
    i32Locals: 14 + t2,
    v128Locals: t2 + m * t + m * m + 1,
    body,
  };
}

// One source object per shape: bindKernel caches instances per source object.
const inputSources = new Map<string, KernelSource>();
const outputSources = new Map<string, KernelSource>();

function cachedSource<S extends { tile: WinogradTile }>(
  cache: Map<string, KernelSource>,
  shape: S,
  make: (s: S) => KernelSource,
): KernelSource {
  const key = JSON.stringify({ ...shape, tile: shape.tile.name });
  let source = cache.get(key);
  if (source === undefined) {
    source = make(shape);
    cache.set(key, source);
  }
  return source;
}

/** `(table, src)` byte offsets; see {@link InputTransformShape}. */
export type WinogradInputKernel = (table: number, src: number) => void;
/** `(table, out, bias)` byte offsets (bias ignored unless the shape says so). */
export type WinogradOutputKernel = (table: number, out: number, bias: number) => void;

/**
 * The input transform for `shape` bound to the wasm backend's memory, or undefined without SIMD;
 * split by tile rows across two threads on the threaded build (parallel-kernel.ts).
 */
export function winogradInputKernel(
  backend: unknown,
  shape: InputTransformShape,
): WinogradInputKernel | undefined {
  const run = bindRangeKernel(cachedSource(inputSources, shape, inputTransformSource), backend);
  if (run === undefined) return undefined;
  const { n, tilesH, tilesW, channels, height, width, tile } = shape;
  const bytes = 4 * channels * n * (height * width + tilesH * tilesW * tile.t * tile.t);
  return (table, src) => run([table, src], n * tilesH, bytes);
}

/**
 * The output transform for `shape` bound to the wasm backend's memory, or undefined without SIMD;
 * split by tile rows across two threads on the threaded build (parallel-kernel.ts).
 */
export function winogradOutputKernel(
  backend: unknown,
  shape: OutputTransformShape,
): WinogradOutputKernel | undefined {
  const run = bindRangeKernel(cachedSource(outputSources, shape, outputTransformSource), backend);
  if (run === undefined) return undefined;
  const { n, tilesH, tilesW, channels, height, width, tile } = shape;
  const bytes = 4 * channels * n * (height * width + tilesH * tilesW * tile.t * tile.t);
  return (table, out, bias) => run([table, out, bias], n * tilesH, bytes);
}
