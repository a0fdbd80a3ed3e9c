export { getBackendInfo, setupBackend } from './backend.js';
export type { BackendInfo, SetupBackendOptions } from './backend.js';
export { InterpError, isInterpError } from './errors.js';
export type { InterpErrorCode } from './errors.js';
export { createRng, toRng } from './random.js';
export type { RandomGenerator, RandomState } from './random.js';
export { assertInteger, assertLabels, assertNumber, assertSameLength, describe, keyword } from './validate.js';
