export type {
  ActivationRecord,
  ActivationStatsOptions,
  LayerActivationStats,
} from './activation-stats.js';
export { ActivationStats, activationStatsDefaults } from './activation-stats.js';
export type {
  DeadNeuronOptions,
  DeadNeuronReport,
  LayerDeadNeurons,
} from './check-dead-neurons.js';
export type {
  GradientFlowOptions,
  GradientFlowReport,
  LayerGradientFlow,
} from './check-gradient-flow.js';
export { checkGraphDeadNeurons, type GraphDeadNeuronOptions } from './check-graph-dead-neurons.js';
export {
  checkGraphGradientFlow,
  type GraphGradientFlowOptions,
} from './check-graph-gradient-flow.js';
export { checkGraphLayerOutputs } from './check-graph-layer-outputs.js';
export { checkGraphWeightDistribution } from './check-graph-weight-distribution.js';
export type {
  LayerOutputOptions,
  LayerOutputReport,
  LayerOutputStats,
} from './check-layer-outputs.js';
export type { CheckModelOptions, CheckModelReport, ModelCheck } from './check-model.js';
export { checkModel, checkModelDefaults } from './check-model.js';
export type {
  WeightDistributionOptions,
  WeightDistributionReport,
  WeightStats,
} from './check-weight-distribution.js';
export { deadChart, deadChartDefaults } from './dead-chart.js';
export type { GraphHookedOutputs } from './graph-hook-outputs.js';
export { hookGraphOutputs } from './graph-hook-outputs.js';
export { histChart, histChartDefaults } from './hist-chart.js';
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
export type { ActivationPlotOptions } from './internal/activation-plots.js';
export type { DebugPlotOptions } from './internal/debug-plots.js';
export type { GraphBatch } from './internal/graph-activation-record.js';
export { lastLrFind } from './last-lr-find.js';
export type { LrFindOptions, LrFindResult, SuggestionName } from './lr-find.js';
export { lrFind, lrFindDefaults, SMOOTH_BETA } from './lr-find.js';
export type { LrSuggestion, SuggestionFunction } from './lr-suggestion.js';
export { minimum } from './minimum.js';
export type { ModelDebuggerOptions } from './model-debugger.js';
export { ModelDebugger } from './model-debugger.js';
export { modelDebuggerDefaults } from './model-debugger-defaults.js';
export type { LayerSize, ModelSizes, ModelSizesOptions } from './model-sizes.js';
export { modelSizes } from './model-sizes.js';
export type { LrFindData, PlotLrFindOptions } from './plot-lr-find.js';
export { plotLrFind, plotLrFindDefaults } from './plot-lr-find.js';
export type { SlideOptions } from './slide.js';
export { slide, slideDefaults } from './slide.js';
export { steep } from './steep.js';
export type { ModelSummary, OutputShape, SummaryOptions, SummaryRow } from './summary.js';
export { summary } from './summary.js';
export { valley } from './valley.js';
