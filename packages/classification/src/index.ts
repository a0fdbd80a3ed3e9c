// Metric functions (tfjs-free; also available alone from '@interp/classification/metrics').

// The interpretation class (Plot through @interp/viz; tfjs only when it runs a Learner), also
// available alone from '@interp/classification/interpretation'.
export * from './interpretation.js';
export * from './metrics.js';
export type { MultiLabelPredictions, MultiLabelReport } from './multi-label-interpretation.js';
export {
  MultiLabelInterpretation,
  multiLabelDefaults,
  plotConfusionMatricesDefaults,
} from './multi-label-interpretation.js';
// Views that run a Learner and show what it predicts (tfjs through @interp/core, Plot through @interp/viz).
export type { PlotPredictionsOptions } from './plot-predictions.js';
export { plotPredictions, plotPredictionsDefaults } from './plot-predictions.js';
export type {
  AnalyzerBinOptions,
  AnalyzerPlotOptions,
  ConfidenceAnalysis,
  ConfidenceBin,
  ErrorAnalysis,
  PredictionAnalyzerOptions,
  PredictionDistribution,
} from './prediction-analyzer.js';
export { PredictionAnalyzer, predictionAnalyzerDefaults } from './prediction-analyzer.js';
export type { ReliabilityChartOptions } from './reliability-chart.js';
export { reliabilityChart, reliabilityChartDefaults } from './reliability-chart.js';
export type { ShowBatchPredictionsOptions } from './show-batch-predictions.js';
export {
  showBatchPredictions,
  showBatchPredictionsDefaults,
} from './show-batch-predictions.js';
export type { ShowResultsOptions } from './show-results.js';
export { showResults, showResultsDefaults } from './show-results.js';
