export type { BackendInfo, SetupBackendOptions } from './backend.js';
export { getBackendInfo, setupBackend } from './backend.js';
export * from './base.js';
export type {
  ArrayDataLoaderOptions,
  Batch,
  DataLoader,
  DecodedItem,
  ImageItem,
  TabularItem,
  VectorItem,
} from './data-loader.js';
export { arrayDataLoader, arrayDataLoaderDefaults, DataLoaders } from './data-loader.js';
export type { Activation, GetPredsOptions, PredsResult } from './get-preds.js';
export { getPreds, resolveActivation } from './get-preds.js';
export { clearDerivedWeightCache, derivedWeightCacheSize } from './kernels/derived-weight-cache.js';
export type { PrefaultHandle, PrefaultOptions } from './kernels/prefault-wasm-memory.js';
export { prefaultWasmMemory } from './kernels/prefault-wasm-memory.js';
export type { FitOptions, LearnerOptions, ModelFunction, ProgressCallback } from './learner.js';
export { fitDefaults, Learner, learnerFromFunction } from './learner.js';
export type { LossFunction } from './losses.js';
export {
  binaryCrossEntropyPerItem,
  crossEntropyFromProbsPerItem,
  crossEntropyPerItem,
  mseLossPerItem,
} from './losses.js';
export type { Metric } from './metric.js';
export { accuracy, metricName } from './metric.js';
export { applyHook } from './model-graph/apply-hook.js';
export { findNode } from './model-graph/find-node.js';
export type { FunctionGraphOptions } from './model-graph/function-graph.js';
export { FUNCTION_NODE_NAME, functionGraph } from './model-graph/function-graph.js';
export { graphModelGraph } from './model-graph/graph-model-graph.js';
export type { ImageAxes } from './model-graph/image-axes.js';
export { imageAxes, spatialSize } from './model-graph/image-axes.js';
export { layersModelGraph } from './model-graph/layers-model-graph.js';
export type * from './model-graph/model-graph.js';
export { replacementOf, replaceOutput } from './model-graph/replacement-hook.js';
export type { GraphSource } from './model-graph/to-model-graph.js';
export { isModelGraph, toModelGraph } from './model-graph/to-model-graph.js';
export type { EpochRecord } from './recorder.js';
export { Recorder } from './recorder.js';
export type {
  InputGradientMethod,
  InputGradientTarget,
  TargetInputGradient,
  TargetInputGradientOptions,
} from './target-input-gradient.js';
export { targetInputGradient, targetInputGradientDefaults } from './target-input-gradient.js';
