export type { BarChartOptions, BarDatum, BarSort } from './bar-chart.js';
export { barChart } from './bar-chart.js';
export { colormap } from './colormap.js';
export type { ConfusionMatrixChartOptions } from './confusion-matrix-chart.js';
export { confusionMatrixChart, confusionMatrixChartDefaults } from './confusion-matrix-chart.js';
export { createDocument } from './create-document.js';
export type { DataTableOptions } from './data-table.js';
export { dataTable } from './data-table.js';
export { encodePNG } from './encode-png.js';
export { figsizeToPx, PX_PER_INCH } from './figsize-to-px.js';
export type { HeatmapOptions } from './heatmap.js';
export { heatmap } from './heatmap.js';
export type { HeatmapOverlayOptions } from './heatmap-overlay.js';
export { heatmapOverlay } from './heatmap-overlay.js';
export type { ImageGridItem, ImageGridOptions } from './image-grid.js';
export { imageGrid } from './image-grid.js';
export type { ImageRange, ImageToDataURLOptions } from './image-to-data-url.js';
export { imageToDataURL } from './image-to-data-url.js';
export type { LabeledDot } from './labeled-dots.js';
export { labeledDots, labeledDotsDefaults } from './labeled-dots.js';
export type { LegendPosition, LineChartOptions, LineSeries } from './line-chart.js';
export { lineChart } from './line-chart.js';
export { resolveDocument } from './resolve-document.js';
export type { ToPNGOptions } from './to-png.js';
export { toPNG } from './to-png.js';
export { toSVGString } from './to-svg-string.js';
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
export type { PanelGridOptions } from './views/panel-grid.js';
export { panelGrid } from './views/panel-grid.js';
export type { PlotMetricsOptions } from './views/plot-metrics.js';
export { plotMetrics } from './views/plot-metrics.js';
export type { PlotMultiLossesOptions } from './views/plot-multi-losses.js';
export { plotMultiLosses, plotMultiLossesDefaults } from './views/plot-multi-losses.js';
export type { PlotPredictionsOptions } from './views/plotPredictions.js';
export { plotPredictions, plotPredictionsDefaults } from './views/plotPredictions.js';
export type { RasterChartOptions } from './views/raster-chart.js';
export { rasterChart } from './views/raster-chart.js';
export type { ShowBatchPredictionsOptions } from './views/showBatchPredictions.js';
export {
  showBatchPredictions,
  showBatchPredictionsDefaults,
} from './views/showBatchPredictions.js';
export type { ShowResultsOptions } from './views/showResults.js';
export { showResults, showResultsDefaults } from './views/showResults.js';
