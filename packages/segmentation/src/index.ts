// Metric functions (tfjs-free; also available alone from '@interp/segmentation/metrics').

export type { MaskLegendOptions } from './mask-legend.js';
export { maskLegend, maskLegendDefaults } from './mask-legend.js';
// The interpretation class and its plots (use tfjs through @interp/core, and Plot through @interp/viz).
export type { LabelMask, MaskToDataURLOptions } from './mask-to-data-url.js';
export { maskToDataURL } from './mask-to-data-url.js';
export * from './metrics.js';
export type {
  ArrayInput,
  PlotPixelConfusionMatrixOptions,
  SegmentationFromLearnerOptions,
  SegmentationInterpretationData,
  SegmentationPredictions,
  SegmentationReport,
} from './SegmentationInterpretation.js';
export {
  plotPixelConfusionMatrixDefaults,
  SegmentationInterpretation,
  segmentationConfusionMatrixDefaults,
} from './SegmentationInterpretation.js';
export { IGNORE_COLOR, SEGMENTATION_PALETTE, segmentationPalette } from './segmentation-palette.js';
export type { SegmentationTopLossesOptions } from './segmentation-top-losses.js';
export {
  registerSegmentationRenderers,
  renderSegmentationTopLosses,
  segmentationTopLossesDefaults,
} from './segmentation-top-losses.js';
