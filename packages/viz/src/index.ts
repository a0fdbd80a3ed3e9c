export type { BarChartOptions, BarDatum, BarSort } from './barChart.js';
export { barChart } from './barChart.js';
export { colormap } from './colormap.js';
export type { ConfusionMatrixChartOptions } from './confusionMatrixChart.js';
export { confusionMatrixChart, confusionMatrixChartDefaults } from './confusionMatrixChart.js';
export { createDocument } from './createDocument.js';
export type { DataTableOptions } from './dataTable.js';
export { dataTable } from './dataTable.js';
export { encodePNG } from './encodePNG.js';
export { figsizeToPx, PX_PER_INCH } from './figsizeToPx.js';
export type { HeatmapOptions } from './heatmap.js';
export { heatmap } from './heatmap.js';
export type { HeatmapOverlayOptions } from './heatmapOverlay.js';
export { heatmapOverlay } from './heatmapOverlay.js';
export type { ImageGridItem, ImageGridOptions } from './imageGrid.js';
export { imageGrid } from './imageGrid.js';
export type { ImageRange, ImageToDataURLOptions } from './imageToDataURL.js';
export { imageToDataURL } from './imageToDataURL.js';
export type { LabeledDot } from './labeled-dots.js';
export { labeledDots, labeledDotsDefaults } from './labeled-dots.js';
export type { LegendPosition, LineChartOptions, LineSeries } from './lineChart.js';
export { lineChart } from './lineChart.js';
export { resolveDocument } from './resolveDocument.js';
export type { ToPNGOptions } from './toPNG.js';
export { toPNG } from './toPNG.js';
export { toSVGString } from './toSVGString.js';
export type { DocumentOption, Figsize, ImageArray, ImageInput } from './types.js';
export type {
  AnalyzerPlotOptions,
  ConfidenceAnalysis,
  ConfidenceBin,
  ErrorAnalysis,
  PredictionAnalyzerOptions,
  PredictionDistribution,
} from './views/PredictionAnalyzer.js';
export { PredictionAnalyzer, predictionAnalyzerDefaults } from './views/PredictionAnalyzer.js';
export type { PanelGridOptions } from './views/panelGrid.js';
export { panelGrid } from './views/panelGrid.js';
export type { PlotMetricsOptions } from './views/plotMetrics.js';
export { plotMetrics } from './views/plotMetrics.js';
export type { PlotMultiLossesOptions } from './views/plotMultiLosses.js';
export { plotMultiLosses, plotMultiLossesDefaults } from './views/plotMultiLosses.js';
export type { PlotPredictionsOptions } from './views/plotPredictions.js';
export { plotPredictions, plotPredictionsDefaults } from './views/plotPredictions.js';
export type { RasterChartOptions } from './views/rasterChart.js';
export { rasterChart } from './views/rasterChart.js';
export type { ShowBatchPredictionsOptions } from './views/showBatchPredictions.js';
export {
  showBatchPredictions,
  showBatchPredictionsDefaults,
} from './views/showBatchPredictions.js';
export type { ShowResultsOptions } from './views/showResults.js';
export { showResults, showResultsDefaults } from './views/showResults.js';
