// ClassificationInterpretation without the Learner-running views (which load tfjs): for tools such
// as the CLI that start from saved predictions.

export type {
  ClassificationPredictions,
  ClassPrecisionRecallCurve,
  ClassRocCurve,
  CurvePlotOptions,
  PlotConfusionMatrixOptions,
} from './classification-interpretation.js';
export { ClassificationInterpretation } from './classification-interpretation.js';
