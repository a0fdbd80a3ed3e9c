// @interp/onnx: ONNX models executed node by node with tfjs ops (differentiable).
export { SUPPORTED_OPSETS } from './decode-model.js';
export type { LoadOnnxModelOptions } from './load-onnx-model.js';
export { loadOnnxModel } from './load-onnx-model.js';
export { modulePathOf } from './module-path.js';
export { OnnxModel } from './onnx-model.js';
export type { OnnxNode, OpContext, OpKernel, Value } from './ops/op-types.js';
export { onnxOps, supportedOps } from './ops/registry.js';
export type { ExternalDataFiles, OnnxSource } from './read-model-source.js';
