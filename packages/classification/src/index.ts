// Metric functions (tfjs-free; also available alone from '@interp/classification/metrics').

export type {
  ClassificationPredictions,
  ClassPrecisionRecallCurve,
  ClassRocCurve,
  CurvePlotOptions,
  PlotConfusionMatrixOptions,
} from './classification-interpretation.js';
// The interpretation class (uses tfjs through @interp/core, and Plot through @interp/viz).
export {
  ClassificationInterpretation,
  plotConfusionMatrixDefaults,
  registerClassificationRenderers,
} from './classification-interpretation.js';
export type { MultiLabelPredictions, MultiLabelReport } from './multi-label-interpretation.js';
export { MultiLabelInterpretation, multiLabelDefaults } from './multi-label-interpretation.js';
export * from './metrics.js';
