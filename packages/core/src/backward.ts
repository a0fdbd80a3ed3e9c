// Not public API: the parts of core's tape-free backward (targetInputGradient's LayersModel path)
// that another executor's backward (or attribution's layer methods) reuses, so each exists once:
// the folded forward (BN and ReLU6 folded into the convs) with taps, the backward walk over a model's
// nodes, the activation masks (ReLU's and ReLU6's are fused SIMD kernels on wasm), the conv's
// input gradient (the backprop-input kernels) and the declaration of a model's weight data, which
// lets the wasm conv backprop kernels keep the filters they derive from it. Exported as
// `@interp/core/backward`; may change in any release. Loads tfjs-core (unlike `@interp/core/internal`).
export { activeValues, type BackwardGraph, walkBackward } from './backward-walk.js';
export { markWeightData } from './kernels/derived-weight-cache.js';
export { activationBackward } from './layer-chain.js';
export { convInputGradient } from './layer-conv-step.js';
export { type FoldedForward, foldedLayersForward } from './layer-dag-forward.js';
export type { ChainActivation } from './layer-step-parts.js';
