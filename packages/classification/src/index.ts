// Metric functions (tfjs-free; also available alone from '@interp/classification/metrics').
export * from './metrics.js';
// The interpretation class (uses tfjs through @interp/core, and Plot through @interp/viz).
export {
  ClassificationInterpretation,
  plotConfusionMatrixDefaults,
  registerClassificationRenderers,
} from './ClassificationInterpretation.js';
export type {
  ClassificationPredictions,
  PlotConfusionMatrixOptions,
} from './ClassificationInterpretation.js';
