export type {
  ActivationRecord,
  ActivationStatsOptions,
  LayerActivationStats,
} from './activation-stats.js';
export { ActivationStats, activationStatsDefaults } from './activation-stats.js';
export type {
  Layer,
  LayerCallArgs,
  LayerHookFunction,
  LayerHooks,
  LayerRef,
} from './hook-layers.js';
export { hookLayers } from './hook-layers.js';
export type { HookedOutputs, HookOutputsOptions } from './hook-outputs.js';
export { hookOutputs, hookOutputsDefaults } from './hook-outputs.js';
