/**
 * Registers, for the `wasm` backend, the kernels tfjs-backend-wasm 4.22 lacks or runs slowly.
 * Idempotent. (Placeholder: the kernels land with the WASM gap-kernel work.)
 */
export function registerWasmKernels(): void {}
