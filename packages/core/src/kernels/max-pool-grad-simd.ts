// A 2x2 / stride 2 max-pool gradient in WebAssembly SIMD, run directly on the tfjs wasm
// backend's memory. The JS loop it replaces spends ~11 ns per window on unpredictable branches
// (which of four values is the first strict maximum); here four windows go through a handful of
// branch-free vector compares and selects. The module is assembled below from its opcodes (it is
// a few hundred bytes) and imports the backend's WebAssembly.Memory.

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (small constants). */
function sleb(n: number): number[] {
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

const I32 = 0x7f;
const V128 = 0x7b;

// Instructions used below (core and SIMD opcodes of the WebAssembly 2.0 spec).
const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const tee = (i: number) => [0x22, ...uleb(i)];
const i32c = (v: number) => [0x41, ...sleb(v)];
const ADD = [0x6a];
const MUL = [0x6c];
const SHL = [0x74];
const LT_U = [0x49];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
const LOAD = simd(0x00, 2, 0); // v128.load align=4 offset=0
const STORE = simd(0x0b, 2, 0);
const F32X4_GT = simd(0x44);
const AND = simd(0x4e);
const ANDNOT = simd(0x4f);
const OR = simd(0x50);
const BITSELECT = simd(0x52);
const F32X4_MUL = simd(0xe6);
const f32x4Const = (v: number) => {
  const bytes = new Uint8Array(new Float32Array([v, v, v, v]).buffer);
  return simd(0x0c, ...bytes);
};
/** `loop` that runs `body` then repeats while `counter += step` stays below `limit`. */
const countedLoop = (counter: number, step: number[], limit: number, body: number[]) => [
  ...i32c(0),
  ...set(counter),
  0x03,
  0x40, // loop (no result)
  ...body,
  ...get(counter),
  ...step,
  ...ADD,
  ...tee(counter),
  ...get(limit),
  ...LT_U,
  0x0d,
  0, // br_if 0: next iteration
  0x0b,
];

// Parameters (byte offsets and sizes) and locals of the kernel function.
const [X, G, DX, BATCH, IN_H, IN_W, C, OUT_H, OUT_W, RELU] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
const [B, OY, OX, KB, ROW, BASE, OFF, GP, ROW_BYTES, C_BYTES] = [
  10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
];
const [V0, V1, V2, V3, BEST, M0, M1, M2, M3, GV, T, ONE, ZERO, NEG_INF] = [
  20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,
];

/** Loads the value at `x + off + extra...` into `v`. */
const loadAt = (v: number, ...extra: number[]) => [
  ...get(X),
  ...get(OFF),
  ...ADD,
  ...extra.flatMap((e) => [...get(e), ...ADD]),
  ...LOAD,
  ...set(v),
];
/** best = v > best ? v : best, keeping the mask in `m` (a later strict maximum wins the slot). */
const takeIfGreater = (v: number, m: number) => [
  ...get(v),
  ...get(BEST),
  ...get(v),
  ...get(BEST),
  ...F32X4_GT,
  ...tee(m),
  ...BITSELECT,
  ...set(BEST),
];
/** Stores `gv & value` at `dx + off + extra...`, `value` computed by `mask`. */
const storeAt = (mask: number[], ...extra: number[]) => [
  ...get(DX),
  ...get(OFF),
  ...ADD,
  ...extra.flatMap((e) => [...get(e), ...ADD]),
  ...get(GV),
  ...mask,
  ...AND,
  ...STORE,
];

const channelGroup = [
  ...get(BASE),
  ...get(KB),
  ...ADD,
  ...set(OFF),
  ...loadAt(V0),
  ...loadAt(V1, C_BYTES),
  ...loadAt(V2, ROW_BYTES),
  ...loadAt(V3, ROW_BYTES, C_BYTES),
  // First strict maximum in row-major order, as tfjs's cpu kernel: the last position whose
  // value beat the running maximum (which starts at -Infinity) holds it.
  ...get(NEG_INF),
  ...set(BEST),
  ...takeIfGreater(V0, M0),
  ...takeIfGreater(V1, M1),
  ...takeIfGreater(V2, M2),
  ...takeIfGreater(V3, M3),
  ...get(GP),
  ...LOAD,
  ...set(GV),
  // With a ReLU before the pool: times step(max) = 1 above zero, else 0 (tf.grad's ReLU mask).
  ...get(RELU),
  0x04,
  0x40, // if
  ...get(GV),
  ...get(ONE),
  ...get(BEST),
  ...get(ZERO),
  ...F32X4_GT,
  ...AND,
  ...F32X4_MUL,
  ...set(GV),
  0x0b,
  ...storeAt(get(M3), ROW_BYTES, C_BYTES),
  ...storeAt([...get(M2), ...get(M3), ...ANDNOT], ROW_BYTES),
  ...get(M3),
  ...get(M2),
  ...OR,
  ...set(T),
  ...storeAt([...get(M1), ...get(T), ...ANDNOT], C_BYTES),
  ...get(T),
  ...get(M1),
  ...OR,
  ...set(T),
  ...storeAt([...get(M0), ...get(T), ...ANDNOT]),
  ...get(GP),
  ...i32c(16),
  ...ADD,
  ...set(GP),
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
  ...f32x4Const(1),
  ...set(ONE),
  ...f32x4Const(0),
  ...set(ZERO),
  ...f32x4Const(Number.NEGATIVE_INFINITY),
  ...set(NEG_INF),
  ...get(G),
  ...set(GP),
  ...countedLoop(
    B,
    i32c(1),
    BATCH,
    countedLoop(OY, i32c(1), OUT_H, [
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
      ...countedLoop(OX, i32c(1), OUT_W, [
        // BASE = ROW + 2 * ox * cBytes
        ...get(OX),
        ...i32c(1),
        ...SHL,
        ...get(C_BYTES),
        ...MUL,
        ...get(ROW),
        ...ADD,
        ...set(BASE),
        ...countedLoop(KB, i32c(16), C_BYTES, channelGroup),
      ]),
    ]),
  ),
  0x0b, // end of function
];

function moduleBytes(): Uint8Array<ArrayBuffer> {
  const params = Array.from({ length: 10 }, () => I32);
  const type = [0x60, ...uleb(params.length), ...params, 0];
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, 0x00]; // memory, min 0
  const locals = vec([
    [...uleb(10), I32],
    [...uleb(14), V128],
  ]);
  const code = [...locals, ...body];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec([type])),
    ...section(2, vec([memoryImport])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name('maxPool2x2Grad'), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

/** `(x, dy, dx, batch, inH, inW, channels, outH, outW, relu)`, offsets in bytes. */
export type MaxPool2x2GradSimd = (
  x: number,
  dy: number,
  dx: number,
  batch: number,
  inHeight: number,
  inWidth: number,
  channels: number,
  outHeight: number,
  outWidth: number,
  relu: number,
) => void;

const instances = new WeakMap<WebAssembly.Memory, MaxPool2x2GradSimd | null>();

/**
 * The SIMD kernel bound to `memory` (the wasm backend's), or undefined when this platform has no
 * WebAssembly SIMD or the memory is shared (threaded builds): callers then use the JS loop.
 * Channels must be a multiple of 4 and every size at least 1.
 */
export function maxPool2x2GradSimd(memory: unknown): MaxPool2x2GradSimd | undefined {
  if (!(typeof WebAssembly === 'object' && memory instanceof WebAssembly.Memory)) return undefined;
  let fn = instances.get(memory);
  if (fn === undefined) {
    fn = null;
    try {
      const shared =
        typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const bytes = moduleBytes();
      if (!shared && WebAssembly.validate(bytes)) {
        const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
          env: { memory },
        });
        fn = instance.exports.maxPool2x2Grad as MaxPool2x2GradSimd;
      }
    } catch {
      fn = null;
    }
    instances.set(memory, fn);
  }
  return fn ?? undefined;
}
