// Not public API: argument checks and tfjs-layers internals shared by the interp packages, so
// every package words its errors the same way and reads layers one way. Exported as
// `@interp/core/internal`; may change in any release.

export type {
  ContainerLike,
  LayerLike,
  NodeLike,
  SymbolicTensorLike,
  VariableLike,
} from './layers-internals.js';
export { isContainer, isLayersModel, layersModelOf } from './layers-internals.js';
export {
  assertInteger,
  assertLabels,
  assertNumber,
  assertSameLength,
  describe,
  keyword,
} from './validate.js';
