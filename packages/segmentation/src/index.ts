// Metric functions (tfjs-free; also available alone from '@interp/segmentation/metrics').

export type { MaskLegendOptions } from './mask-legend.js';
export { maskLegend, maskLegendDefaults } from './mask-legend.js';
// The interpretation class and its plots (use tfjs through @interp/core, and Plot through @interp/viz).
export type { MaskToDataURLOptions } from './mask-to-data-url.js';
export { maskToDataURL } from './mask-to-data-url.js';
export * from './metrics/index.js';
export type { PlotPixelConfusionMatrixOptions } from './plot-pixel-confusion-matrix-options.js';
export { plotPixelConfusionMatrixDefaults } from './plot-pixel-confusion-matrix-options.js';
export type { SegmentationPredictions } from './segmentation-from-predictions.js';
export type {
  SegmentationFromLearnerOptions,
  SegmentationInterpretationData,
} from './segmentation-interpretation.js';
export {
  SegmentationInterpretation,
  segmentationConfusionMatrixDefaults,
} from './segmentation-interpretation.js';
export { IGNORE_COLOR, SEGMENTATION_PALETTE, segmentationPalette } from './segmentation-palette.js';
export type {
  SegmentationTopLossesOptions,
  SegmentedItems,
} from './segmentation-top-losses.js';
export {
  renderSegmentationTopLosses,
  segmentationTopLossesDefaults,
} from './segmentation-top-losses.js';
