// Our SIMD kernels on the tfjs wasm backend: they run directly on its memory (imported), so they
// read and write tensors where XNNPACK left them. Each kernel is a few hundred bytes assembled
// by ../wasm-assembler.ts.

import { assembleModule, I32, V128, type ValType } from '../wasm-assembler.js';

/** One exported function `(i32 x params) -> ()` with `i32Locals` then `v128Locals` locals. */
export interface KernelSource {
  name: string;
  params: number;
  i32Locals: number;
  v128Locals: number;
  body: number[];
}

/** The module bytes: imports `env.memory` (shared for threaded builds), exports the kernel. */
export function assemble(kernel: KernelSource, shared = false): Uint8Array<ArrayBuffer> {
  const fill = (n: number, t: ValType) => Array.from({ length: n }, () => t);
  return assembleModule({
    memoryMinPages: 0,
    memoryShared: shared,
    functions: [
      {
        name: kernel.name,
        params: fill(kernel.params, I32),
        results: [],
        locals: [...fill(kernel.i32Locals, I32), ...fill(kernel.v128Locals, V128)],
        body: kernel.body,
      },
    ],
  });
}

// biome-ignore lint/suspicious/noExplicitAny: the kernels' signatures vary (all i32 arguments)
export type AnyKernel = (...args: number[]) => any;

/** The wasm backend's memory (a threaded build's is shared), or undefined for other backends. */
export function wasmMemoryOf(backend: unknown): WebAssembly.Memory | undefined {
  const module = (backend as { wasm?: { asm?: { memory?: unknown }; wasmMemory?: unknown } }).wasm;
  const memory = module?.asm?.memory ?? module?.wasmMemory;
  return typeof WebAssembly === 'object' && memory instanceof WebAssembly.Memory
    ? memory
    : undefined;
}

/** True when `memory` is shared (a SharedArrayBuffer), so other threads can run kernels on it. */
export function isSharedMemory(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

const modules = new WeakMap<KernelSource, Map<boolean, WebAssembly.Module | null>>();

/**
 * `kernel` compiled for a plain (`shared` false) or shared memory import, once per source; null
 * when this platform rejects it (no WebAssembly SIMD). A shared one can be posted to a worker.
 */
export function kernelModule(kernel: KernelSource, shared: boolean): WebAssembly.Module | null {
  let byShared = modules.get(kernel);
  if (byShared === undefined) {
    byShared = new Map();
    modules.set(kernel, byShared);
  }
  let module = byShared.get(shared);
  if (module === undefined) {
    module = null;
    try {
      const bytes = assemble(kernel, shared);
      if (WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
    } catch {
      module = null;
    }
    byShared.set(shared, module);
  }
  return module;
}

const instances = new WeakMap<KernelSource, WeakMap<WebAssembly.Memory, AnyKernel | null>>();

/**
 * `kernel` bound to the wasm backend's memory (also a threaded build's shared memory: our
 * kernels run on the calling thread between tfjs kernels, while the pthreads are idle; see
 * parallel-kernel.ts for running one on two threads), or undefined when this platform has no
 * WebAssembly SIMD: callers then use another path.
 */
export function bindKernel<F extends AnyKernel>(
  kernel: KernelSource,
  backend: unknown,
): F | undefined {
  const memory = wasmMemoryOf(backend);
  if (memory === undefined) return undefined;
  let byMemory = instances.get(kernel);
  if (byMemory === undefined) {
    byMemory = new WeakMap();
    instances.set(kernel, byMemory);
  }
  let fn = byMemory.get(memory);
  if (fn === undefined) {
    fn = null;
    const module = kernelModule(kernel, isSharedMemory(memory));
    try {
      if (module !== null) {
        const instance = new WebAssembly.Instance(module, { env: { memory } });
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
