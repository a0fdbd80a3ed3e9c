// Test-only entry for parallel-kernel.test.ts's child processes: the backend setup, the Winograd
// hook, the parallel-kernel switch and a transform kernel from one bundle (excluded from the build
// by the test-* pattern).
export { setupBackend } from '../backend.js';
export { parallelKernels } from './parallel-kernel.js';
export { winogradConvPath, winogradTilePolicy } from './winograd-conv-wasm.js';
export { F2, winogradInputKernel } from './winograd-simd.js';
