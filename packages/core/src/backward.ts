// Not public API: the parts of core's tape-free backward (targetInputGradient's LayersModel path)
// that another executor's backward reuses, so each exists once: the activation masks (ReLU6's is
// the fused SIMD kernel on wasm) and the declaration of a model's weight data, which lets the wasm
// conv backprop kernels keep the filters they derive from it. Exported as `@interp/core/backward`;
// may change in any release. Loads tfjs-core (unlike `@interp/core/internal`).
export { markWeightData } from './kernels/derived-weight-cache.js';
export { activationBackward } from './layer-chain.js';
export type { ChainActivation } from './layer-step-parts.js';
