export { defaultOcclusionWindow } from './default-occlusion-window.js';
export type {
  MethodInfo,
  MethodKind,
  MethodName,
  MethodOption,
  MethodOutput,
} from './method-catalog.js';
export {
  isMethodName,
  METHOD_CATALOG,
  METHOD_NAMES,
  METHOD_OPTIONS,
  methodInfo,
} from './method-catalog.js';
export { runAttribution } from './run-attribution.js';
export type { MethodResult, RunAttributionOptions } from './run-attribution-options.js';
export { runAttributionDefaults } from './run-attribution-options.js';
