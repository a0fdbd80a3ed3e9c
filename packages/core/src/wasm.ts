// The WebAssembly assembler, tfjs-free: `@interp/core/wasm` for kernels outside core (segmentation's
// confusion counting) that must not load tfjs.

export * from './wasm-assembler.js';
