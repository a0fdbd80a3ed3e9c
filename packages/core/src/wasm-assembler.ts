// The one WebAssembly toolchain of the repository: modules are assembled from opcodes in
// TypeScript at first use (a few hundred bytes each), so no build step, no wabt and no committed
// binary. tfjs-free: segmentation's metrics use it without loading tfjs. Encodings are those of
// the WebAssembly 2.0 core and fixed-width SIMD specifications.
import { InterpError } from './errors.js';

/**
 * Unsigned LEB128.
 * @example uleb(300) // [0xac, 0x02]
 */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/**
 * Signed LEB128 (32-bit values).
 * @example sleb(-1) // [0x7f]
 */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
/** A value type: one of I32, I64, F32, F64, V128. */
export type ValType = typeof I32 | typeof I64 | typeof F32 | typeof F64 | typeof V128;

// Locals and constants
export const get = (i: number) => [0x20, ...uleb(i)];
export const set = (i: number) => [0x21, ...uleb(i)];
export const tee = (i: number) => [0x22, ...uleb(i)];
export const i32c = (v: number) => [0x41, ...sleb(v)];

// Control
export const BR = (depth: number) => [0x0c, ...uleb(depth)];
export const BR_IF = (depth: number) => [0x0d, ...uleb(depth)];
export const RETURN = [0x0f];
/** `block` (no result) ... `end`. */
export const block = (body: number[]) => [0x02, 0x40, ...body, 0x0b];
/** `loop` (no result) ... `end`: `br` to it continues. */
export const loop = (body: number[]) => [0x03, 0x40, ...body, 0x0b];
/** `if` (no result) ... `end`. */
export const when = (cond: number[], body: number[]) => [...cond, 0x04, 0x40, ...body, 0x0b];
/** `if` (no result) ... `else` ... `end`. */
export const ifElse = (cond: number[], then: number[], otherwise: number[]) => [
  ...cond,
  0x04,
  0x40,
  ...then,
  0x05,
  ...otherwise,
  0x0b,
];

// i32
export const EQZ = [0x45];
export const EQ = [0x46];
export const LT_U = [0x49];
export const GT_U = [0x4b];
export const LE_U = [0x4d];
export const GE_U = [0x4f];
export const CTZ = [0x68];
export const ADD = [0x6a];
export const SUB = [0x6b];
export const MUL = [0x6c];
export const DIV_U = [0x6e];
export const AND = [0x71];
export const SHL = [0x74];
export const SHR_U = [0x76];
export const I32_LOAD = [0x28, 2, 0];
/** `i32.load` at a constant byte offset from the address on the stack. */
export const i32LoadAt = (offset: number) => [0x28, 2, ...uleb(offset)];
/** `select`: the first of two values when the i32 on top is non-zero, else the second. */
export const SELECT = [0x1b];
export const I32_STORE = [0x36, 2, 0];
export const I32_WRAP_I64 = [0xa7];

// i64
export const I64_EQZ = [0x50];
export const I64_CTZ = [0x7a];
export const I64_OR = [0x84];
export const I64_SHL = [0x86];
export const I64_EXTEND_I32_U = [0xad];

/** `memory.fill` (bulk memory): `(dest, byte, length)`. */
export const MEMORY_FILL = [0xfc, 0x0b, 0x00];

/**
 * Zeroes `product(locals)` float32s from the byte address in local `dest` with one `memory.fill`:
 * a JS TypedArray fill of the threaded backend's shared memory is ~10x slower (0.7 ns per float).
 */
export function zeroFloats(dest: number, locals: readonly number[]): number[] {
  const [first, ...rest] = locals;
  if (first === undefined) throw new Error('zeroFloats: at least one count local');
  return [
    ...get(dest),
    ...i32c(0),
    ...get(first),
    ...rest.flatMap((l) => [...get(l), ...MUL]),
    ...i32c(2),
    ...SHL,
    ...MEMORY_FILL,
  ];
}

// f32
export const F32_LOAD = [0x2a, 2, 0];
export const F32_STORE = [0x38, 2, 0];
export const F32_ADD = [0x92];

// SIMD (prefix 0xfd)
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
/** `v128.load` with alignment 2^alignLog2 bytes, offset 0. */
export const v128Load = (alignLog2: number) => simd(0x00, alignLog2, 0);
export const V_LOAD = v128Load(2);
export const V_STORE = simd(0x0b, 2, 0);
/** `v128.load` (4-byte alignment) at a constant byte offset from the address on the stack. */
export const vLoadAt = (offset: number) => simd(0x00, 2, ...uleb(offset));
/** `v128.store` (4-byte alignment) at a constant byte offset from the address on the stack. */
export const vStoreAt = (offset: number) => simd(0x0b, 2, ...uleb(offset));
/** `i8x16.shuffle` of two vectors by 16 byte-lane indices (0-15 first vector, 16-31 second). */
export const I8X16_SHUFFLE = (lanes: readonly number[]) => simd(0x0d, ...lanes);
/** `i32x4.splat`: an i32 in every lane (a float's bits give that float in every f32 lane). */
export const I32X4_SPLAT = simd(0x11);
export const F32X4_EQ = simd(0x41);
export const F32X4_NE = simd(0x42);
export const F32X4_LT = simd(0x43);
export const F32X4_GT = simd(0x44);
export const F32X4_LE = simd(0x45);
export const F64X2_EQ = simd(0x47);
export const V_AND = simd(0x4e);
export const V_ANDNOT = simd(0x4f);
export const V_OR = simd(0x50);
export const V_BITSELECT = simd(0x52);
/** `v128.any_true`: 1 when any bit is set. */
export const V_ANY_TRUE = simd(0x53);
export const I32X4_BITMASK = simd(0xa4);
export const I64X2_BITMASK = simd(0xc4);
export const F32X4_ADD = simd(0xe4);
export const F32X4_SUB = simd(0xe5);
export const F32X4_MUL = simd(0xe6);
/** Lane-wise minimum; NaN in either lane gives NaN. */
export const F32X4_MIN = simd(0xe8);
export const F32X4_NEG = simd(0xe1);
/** Lane-wise maximum; NaN in either lane gives NaN (unlike a compare-and-select). */
export const F32X4_MAX = simd(0xe9);
/** Lane-wise maximum; NaN in either lane gives NaN. */
export const F64X2_MAX = simd(0xf5);
export const f32x4Const = (v: number) =>
  simd(0x0c, ...new Uint8Array(new Float32Array([v, v, v, v]).buffer));

/**
 * Pushes the i32 sum of the locals, left to right (an address: base pointer plus offsets).
 * @example [...sumOf(X, OFF), ...V_LOAD] // the vector at x + off
 */
export const sumOf = (first: number, ...rest: number[]) => [
  ...get(first),
  ...rest.flatMap((l) => [...get(l), ...ADD]),
];

/**
 * `for (counter = 0; counter < limit; counter += step) body`, `limit` a local: a guarded
 * `block` + `loop`, the body free to use `br` depth 0 as `continue` only through its own blocks.
 */
export const forLoop = (counter: number, step: number[], limit: number, body: number[]) => [
  ...i32c(0),
  ...set(counter),
  ...block([
    ...get(counter),
    ...get(limit),
    ...GE_U,
    ...BR_IF(0), // nothing to do
    ...loop([
      ...body,
      ...get(counter),
      ...step,
      ...ADD,
      ...tee(counter),
      ...get(limit),
      ...LT_U,
      ...BR_IF(0), // next iteration
    ]),
  ]),
];

/** One exported function: its parameter, result and local types and its body (without `end`). */
export interface WasmFunction {
  name: string;
  params: readonly ValType[];
  results: readonly ValType[];
  /** Local types after the parameters, in index order. */
  locals: readonly ValType[];
  body: readonly number[];
}

/** A module importing `env.memory` (at least `memoryMinPages` 64 KiB pages) and exporting `functions`. */
export interface WasmModuleSource {
  memoryMinPages: number;
  /**
   * Import a shared memory (a threaded build's, on a SharedArrayBuffer): its import must say
   * so, with a maximum (65536 pages, which any memory's own maximum satisfies).
   */
  memoryShared?: boolean;
  functions: readonly WasmFunction[];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

/** Runs of equal local types, as the binary format declares them. */
function localRuns(locals: readonly ValType[]): number[][] {
  const runs: number[][] = [];
  for (let i = 0; i < locals.length; ) {
    let j = i;
    while (j < locals.length && locals[j] === locals[i]) j++;
    runs.push([...uleb(j - i), locals[i]!]);
    i = j;
  }
  return runs;
}

/**
 * The module's bytes: one type per distinct signature (in order of first use), the memory
 * import, then the functions, exported by name in order.
 * @example
 * const bytes = assembleModule({
 *   memoryMinPages: 1,
 *   functions: [{ name: 'add', params: [I32, I32], results: [I32], locals: [], body: [...get(0), ...get(1), ...ADD] }],
 * });
 * const { add } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
 */
export function assembleModule(source: WasmModuleSource): Uint8Array<ArrayBuffer> {
  const pages = source.memoryMinPages;
  if (!(Number.isInteger(pages) && pages >= 0 && pages <= 65_536))
    throw new InterpError(
      'INVALID_ARGUMENT',
      `memoryMinPages must be an integer in [0, 65536] (64 KiB pages), got ${pages}`,
    );
  const names = source.functions.map((f) => f.name);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined)
    throw new InterpError(
      'INVALID_ARGUMENT',
      `function name "${repeated}" is used twice; exports need distinct names, so rename one`,
    );
  const types: number[][] = [];
  const typeIndex = source.functions.map((f) => {
    const type = [
      0x60,
      ...uleb(f.params.length),
      ...f.params,
      ...uleb(f.results.length),
      ...f.results,
    ];
    const key = type.join();
    let index = types.findIndex((t) => t.join() === key);
    if (index < 0) index = types.push(type) - 1;
    return index;
  });
  const limits = source.memoryShared
    ? [0x03, ...uleb(pages), ...uleb(65_536)]
    : [0x00, ...uleb(pages)];
  const memoryImport = [...name('env'), ...name('memory'), 0x02, ...limits];
  const exports = source.functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]);
  const codes = source.functions.map((f) => {
    const code = [...vec(localRuns(f.locals)), ...f.body, 0x0b];
    return [...uleb(code.length), ...code];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([memoryImport])),
    ...section(3, vec(typeIndex.map((t) => uleb(t)))),
    ...section(7, vec(exports)),
    ...section(10, vec(codes)),
  ]);
}
