// Test-only entry for winograd-conv-wasm.test.ts's child process: the backend setup and the
// Winograd hook from one bundle (excluded from the build by the test-* pattern).
export { setupBackend } from '../backend.js';
export { winogradConvPath } from './winograd-conv-wasm.js';
