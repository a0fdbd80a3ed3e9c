export * from './base.js';
export { getBackendInfo, setupBackend } from './backend.js';
export type { BackendInfo, SetupBackendOptions } from './backend.js';
