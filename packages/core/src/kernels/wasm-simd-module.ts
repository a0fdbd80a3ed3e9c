// A tiny WebAssembly assembler for our SIMD kernels: they run directly on the tfjs wasm backend's
// memory (imported), so they read and write tensors where XNNPACK left them. Each kernel is a
// few hundred bytes assembled here from its opcodes (WebAssembly 2.0 core and SIMD encodings).

/** Unsigned LEB128. */
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

/** Signed LEB128. */
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

export const I32 = 0x7f;
export const V128 = 0x7b;

export const get = (i: number) => [0x20, ...uleb(i)];
export const set = (i: number) => [0x21, ...uleb(i)];
export const tee = (i: number) => [0x22, ...uleb(i)];
export const i32c = (v: number) => [0x41, ...sleb(v)];
export const ADD = [0x6a];
export const SUB = [0x6b];
export const MUL = [0x6c];
export const SHL = [0x74];
export const AND = [0x71];
export const LT_U = [0x49];
export const GE_U = [0x4f];
export const F32_LOAD = [0x2a, 2, 0];
export const F32_STORE = [0x38, 2, 0];
export const F32_ADD = [0x92];
/** `if` (no result) ... `end`. */
export const when = (cond: number[], body: number[]) => [...cond, 0x04, 0x40, ...body, 0x0b];
const simd = (op: number, ...imm: number[]) => [0xfd, ...uleb(op), ...imm];
export const V_LOAD = simd(0x00, 2, 0); // v128.load align=4 offset=0
export const V_STORE = simd(0x0b, 2, 0);
export const F32X4_NE = simd(0x42);
export const F32X4_GT = simd(0x44);
export const V_AND = simd(0x4e);
export const V_ANDNOT = simd(0x4f);
export const V_OR = simd(0x50);
export const V_BITSELECT = simd(0x52);
export const F32X4_ADD = simd(0xe4);
export const F32X4_MUL = simd(0xe6);
/** Lane-wise maximum; NaN in either lane gives NaN (unlike a compare-and-select). */
export const F32X4_MAX = simd(0xe9);
export const f32x4Const = (v: number) =>
  simd(0x0c, ...new Uint8Array(new Float32Array([v, v, v, v]).buffer));

/**
 * `for (counter = 0; counter < limit; counter += step) body`, `limit` a local: a guarded
 * `block` + `loop`, the body free to use `br` depth 0 as `continue` only through its own blocks.
 */
export const forLoop = (counter: number, step: number[], limit: number, body: number[]) => [
  ...i32c(0),
  ...set(counter),
  0x02,
  0x40, // block
  ...get(counter),
  ...get(limit),
  ...GE_U,
  0x0d,
  0, // br_if 0: nothing to do
  0x03,
  0x40, // loop
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
  0x0b,
];

/** One exported function `(i32 x params) -> ()` with `i32Locals` then `v128Locals` locals. */
export interface KernelSource {
  name: string;
  params: number;
  i32Locals: number;
  v128Locals: number;
  body: number[];
}

/** The module bytes: imports `env.memory`, exports the kernel function. */
export function assemble(kernel: KernelSource): Uint8Array<ArrayBuffer> {
  const params = Array.from({ length: kernel.params }, () => I32);
  const type = [0x60, ...uleb(params.length), ...params, 0];
  const memoryImport = [...name('env'), ...name('memory'), 0x02, 0x00, 0x00]; // memory, min 0
  const locals = vec([
    [...uleb(kernel.i32Locals), I32],
    [...uleb(kernel.v128Locals), V128],
  ]);
  const code = [...locals, ...kernel.body, 0x0b];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([type])),
    ...section(2, vec([memoryImport])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...name(kernel.name), 0x00, 0x00]])),
    ...section(10, vec([[...uleb(code.length), ...code]])),
  ]);
}

// biome-ignore lint/suspicious/noExplicitAny: the kernels' signatures vary (all i32 arguments)
type AnyKernel = (...args: number[]) => any;

const instances = new WeakMap<KernelSource, WeakMap<WebAssembly.Memory, AnyKernel | null>>();

/**
 * `kernel` bound to the wasm backend's memory, or undefined when this platform has no
 * WebAssembly SIMD or the memory is shared (threaded builds): callers then use another path.
 */
export function bindKernel<F extends AnyKernel>(
  kernel: KernelSource,
  backend: unknown,
): F | undefined {
  const module = (backend as { wasm?: { asm?: { memory?: unknown }; wasmMemory?: unknown } }).wasm;
  const memory = module?.asm?.memory ?? module?.wasmMemory;
  if (!(typeof WebAssembly === 'object' && memory instanceof WebAssembly.Memory)) return undefined;
  let byMemory = instances.get(kernel);
  if (byMemory === undefined) {
    byMemory = new WeakMap();
    instances.set(kernel, byMemory);
  }
  let fn = byMemory.get(memory);
  if (fn === undefined) {
    fn = null;
    try {
      const shared =
        typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const bytes = assemble(kernel);
      if (!shared && WebAssembly.validate(bytes)) {
        const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
          env: { memory },
        });
        fn = instance.exports[kernel.name] as AnyKernel;
      }
    } catch {
      fn = null;
    }
    byMemory.set(memory, fn);
  }
  return (fn ?? undefined) as F | undefined;
}

/** Byte offset of a tensor's data in the wasm backend's memory. */
export function heapOffset(backend: unknown, dataId: object): number {
  return (backend as { getMemoryOffset(dataId: object): number }).getMemoryOffset(dataId);
}
