// Metric functions (tfjs-free; also available alone from '@interp/classification/metrics').

export type {
  ClassificationPredictions,
  ClassPrecisionRecallCurve,
  ClassRocCurve,
  CurvePlotOptions,
  PlotConfusionMatrixOptions,
} from './ClassificationInterpretation.js';
// The interpretation class (uses tfjs through @interp/core, and Plot through @interp/viz).
export {
  ClassificationInterpretation,
  plotConfusionMatrixDefaults,
  registerClassificationRenderers,
} from './ClassificationInterpretation.js';
export type { MultiLabelPredictions, MultiLabelReport } from './MultiLabelInterpretation.js';
export { MultiLabelInterpretation, multiLabelDefaults } from './MultiLabelInterpretation.js';
export * from './metrics.js';
