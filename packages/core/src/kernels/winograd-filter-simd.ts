// Separable linear maps of conv filters in WebAssembly SIMD on the tfjs wasm backend's memory:
// Winograd's filter transform U = G g G^T (winograd-conv.ts) and the 180-degree flip with the
// in/out channel swap that input gradients correlate dy with (WasmKernelScope.flipFilter). A
// filter `[fh, fw, a, b]` is fh * fw planes of `[a, b]`; every output plane is a linear
// combination of them, so the kernel runs over the contiguous (in, out) channel pairs four at a
// time and writes each output plane straight to its own tensor. With `swap`, 4 x 4 channel blocks
// are transposed in registers (shuffles), so the swapped planes `[b, a]` cost no extra pass.
import { InterpError } from '../errors.js';
import {
  ADD,
  forLoop,
  get,
  I8X16_SHUFFLE,
  i32c,
  i32LoadAt,
  MUL,
  set,
  vLoadAt,
  vStoreAt,
} from '../wasm-assembler.js';
import { bindKernel, type KernelSource } from './wasm-simd-module.js';
import { combination, type WinogradTile } from './winograd-simd.js';

/** A separable map of `[fh, fw, a, b]` filters to `rows.length * cols.length` planes. */
export interface FilterMapShape {
  /** `[outRows][fh]`: output plane row xi takes sum_i rows[xi][i] * (filter row i). */
  rows: readonly (readonly number[])[];
  /** `[outCols][fw]`: the same over the filter's columns. */
  cols: readonly (readonly number[])[];
  /** In and out channels of the source filter (the planes' `[a, b]`). */
  a: number;
  b: number;
  /** Write the planes channel-transposed, `[b, a]` (a and b multiples of 4). */
  swap: boolean;
}

/**
 * `(table, src)`: reads the `[fh, fw, a, b]` filter at byte offset `src` and writes plane
 * (xi, nu) = sum_{i,j} rows[xi][i] cols[nu][j] filter[i][j] (`[a, b]`, or `[b, a]` with swap) to
 * the byte offset that is i32 number xi * outCols + nu at `table`.
 */
function filterMapSource(s: FilterMapShape): KernelSource {
  const fh = s.rows[0]!.length;
  const fw = s.cols[0]!.length;
  const outs = s.rows.length * s.cols.length;
  const taps = fh * fw;
  const plane4 = s.a * s.b * 4;
  const [TABLE, SRC, P, Q, LIMIT, QLIMIT, IN, OUT] = [0, 1, 2, 3, 4, 5, 6, 7];
  const PTR = 8;
  const lanes = s.swap ? 4 : 1;
  const D = PTR + outs; // first v128 local: [lane][tap]
  const R = D + lanes * taps; // [xi][j]
  const ROW = R + s.rows.length * fw; // 4 loaded rows, then 4 half-transposed (swap only)
  const T = ROW + 4;
  const v128Locals = (s.swap ? T + 4 : ROW) - D;
  const body: number[] = [];
  for (let o = 0; o < outs; o++) body.push(...get(TABLE), ...i32LoadAt(4 * o), ...set(PTR + o));
  /** Transforms the taps of lane `l` (the v128 locals D + l * taps + tap) and stores the planes. */
  const transform = (l: number, storeOffset: number) => {
    const code: number[] = [];
    // R[xi][j] = sum_i rows[xi][i] tap[i][j]; plane[xi][nu] = sum_j cols[nu][j] R[xi][j].
    s.rows.forEach((row, xi) => {
      for (let j = 0; j < fw; j++) {
        code.push(...combination(row, (i) => D + l * taps + i * fw + j), ...set(R + xi * fw + j));
      }
    });
    s.rows.forEach((_, xi) => {
      s.cols.forEach((col, nu) => {
        code.push(...get(PTR + xi * s.cols.length + nu), ...get(OUT), ...ADD);
        code.push(...combination(col, (j) => R + xi * fw + j), ...vStoreAt(storeOffset));
      });
    });
    return code;
  };
  if (!s.swap) {
    // Over the plane's contiguous (in, out) pairs, four at a time.
    const vector: number[] = [...get(SRC), ...get(OUT), ...ADD, ...set(IN)];
    for (let tap = 0; tap < taps; tap++) {
      vector.push(...get(IN), ...vLoadAt(tap * plane4), ...set(D + tap));
    }
    vector.push(...transform(0, 0));
    body.push(...i32c(plane4), ...set(LIMIT), ...forLoop(OUT, i32c(16), LIMIT, vector));
    return { name: 'filterMap', params: 2, i32Locals: 6 + outs, v128Locals, body };
  }
  // 4 x 4 blocks of (in p, out q): rows p..p+3 of each tap loaded, transposed into lanes q..q+3
  // (each holding p..p+3), each lane transformed and stored at [q + lane][p..p+3] of the planes;
  // p runs innermost, so the stores are sequential (a little faster than sequential loads).
  const b4 = s.b * 4;
  const a4 = s.a * 4;
  const pick = (x: readonly number[]) => x.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
  const LO = pick([0, 4, 1, 5]);
  const HI = pick([2, 6, 3, 7]);
  const FIRST = pick([0, 1, 4, 5]);
  const LAST = pick([2, 3, 6, 7]);
  const shuffle = (x: number, y: number, lanes: number[], to: number) => [
    ...get(x),
    ...get(y),
    ...I8X16_SHUFFLE(lanes),
    ...set(to),
  ];
  const block: number[] = [
    ...get(SRC),
    ...get(P),
    ...i32c(s.b),
    ...MUL,
    ...ADD,
    ...get(Q),
    ...ADD,
    ...set(IN),
    ...get(Q),
    ...i32c(s.a),
    ...MUL,
    ...get(P),
    ...ADD,
    ...set(OUT),
  ];
  for (let tap = 0; tap < taps; tap++) {
    for (let r = 0; r < 4; r++) {
      block.push(...get(IN), ...vLoadAt(tap * plane4 + r * b4), ...set(ROW + r));
    }
    block.push(...shuffle(ROW, ROW + 1, LO, T), ...shuffle(ROW, ROW + 1, HI, T + 1));
    block.push(...shuffle(ROW + 2, ROW + 3, LO, T + 2), ...shuffle(ROW + 2, ROW + 3, HI, T + 3));
    const lane = (l: number) => D + l * taps + tap;
    block.push(...shuffle(T, T + 2, FIRST, lane(0)), ...shuffle(T, T + 2, LAST, lane(1)));
    block.push(...shuffle(T + 1, T + 3, FIRST, lane(2)), ...shuffle(T + 1, T + 3, LAST, lane(3)));
  }
  for (let l = 0; l < 4; l++) block.push(...transform(l, l * a4));
  body.push(...i32c(a4), ...set(LIMIT), ...i32c(b4), ...set(QLIMIT));
  body.push(...forLoop(Q, i32c(16), QLIMIT, forLoop(P, i32c(16), LIMIT, block)));
  return { name: 'filterMap', params: 2, i32Locals: 6 + outs, v128Locals, body };
}

/** `(table, src)` byte offsets; see {@link FilterMapShape}. */
export type FilterMapKernel = (table: number, src: number) => void;

// One source object per shape: bindKernel caches instances per source object.
const sources = new Map<string, KernelSource>();

/**
 * The filter map for `shape` bound to the wasm backend's memory, or undefined without WebAssembly
 * SIMD. Throws when the channels do not fit the vector width: `a * b` must be a multiple of 4,
 * and with `swap` both `a` and `b`.
 *
 * @example
 * ```ts
 * const map = filterMapKernel(backend, { ...winogradFilterMap(F2), a: 64, b: 64, swap: false });
 * map?.(tableOffset, filterOffset); // the 16 planes U = G g G^T
 * ```
 */
export function filterMapKernel(
  backend: unknown,
  shape: FilterMapShape,
): FilterMapKernel | undefined {
  const { a, b, swap } = shape;
  const fits = swap ? a % 4 === 0 && b % 4 === 0 : (a * b) % 4 === 0;
  if (!(Number.isInteger(a) && Number.isInteger(b) && a > 0 && b > 0 && fits))
    throw new InterpError(
      'INVALID_ARGUMENT',
      `the SIMD filter map needs ${swap ? 'in and out channel counts that are multiples of 4' : 'in x out channels a multiple of 4'}, got ${a} x ${b}; use a scalar loop for these channels`,
    );
  const widths = (m: readonly (readonly number[])[]) => new Set(m.map((r) => r.length));
  if (
    shape.rows.length === 0 ||
    shape.cols.length === 0 ||
    widths(shape.rows).size !== 1 ||
    widths(shape.cols).size !== 1
  )
    throw new InterpError(
      'INVALID_ARGUMENT',
      'the filter map needs non-empty rows and cols matrices with rows of equal length (the filter height and width)',
    );
  const key = JSON.stringify(shape);
  let source = sources.get(key);
  if (source === undefined) {
    source = filterMapSource(shape);
    sources.set(key, source);
  }
  return bindKernel<FilterMapKernel>(source, backend);
}

/**
 * The `n x n` reversal: row i takes tap n - 1 - i (a filter map's rows and cols for a 180-degree
 * flip).
 *
 * @example
 * ```ts
 * reversal(3); // [[0, 0, 1], [0, 1, 0], [1, 0, 0]]
 * ```
 */
export function reversal(n: number): number[][] {
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (_, j) => (j === n - 1 - i ? 1 : 0)),
  );
}

/**
 * Winograd's filter transform of `tile` as a separable map: rows and cols are its G; `flipped`
 * composes G with the 3-tap reversal (the transform of the 180-degree rotated filter).
 *
 * @example
 * ```ts
 * winogradFilterMap(F2, true).rows[0]; // [0, 0, 1]: G's first row, reversed
 * ```
 */
export function winogradFilterMap(
  tile: WinogradTile,
  flipped = false,
): Pick<FilterMapShape, 'rows' | 'cols'> {
  const g = flipped ? tile.g.map((r) => [...r].reverse()) : tile.g;
  return { rows: g, cols: g };
}
